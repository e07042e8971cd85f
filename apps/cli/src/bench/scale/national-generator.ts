/**
 * Ten years (2016-2025) of country-wide activity, month by month, as planned commands run
 * through the deciders (DecidedLog). Streaming: only what later months need is held (live
 * operations and marchés, open placements), so memory does not grow with the years.
 *
 * Shape at fraction 1: 3,500 donneurs d'ordre, 60,000 marchés and 60,000 people a year, with a
 * heavy skew (log-normal weights: a few very large opérations and donneurs take a large share
 * of the marchés, the largest marchés take most of the people).
 */
import { declarationIdDe, uuidV5 } from '@suivi/commands';
import {
  cleDeLuhn,
  estSiretValide,
  type BaseJuridique,
  type CritereEligibilite,
  type Modalite,
  type NiveauFormation,
  type Secteur,
  type Sortie,
  type TypeContrat,
  type TypeDonneurOrdre,
  type TypeEntreprise,
} from '@suivi/domain';
import type { PlannedCommand } from '../../seed-demo/plan';
import { Random } from '../../seed-demo/random';
import { LOTS_BATIMENT, LOTS_TP, MOTIFS_AVENANT_HAUSSE, MOTIFS_CORRECTION, NOMS, PRENOMS_F, PRENOMS_M, RUES } from '../../seed-demo/referentiel';
import type { DecidedLog } from './decided-log';
import type { GeneratedPhase, World } from './phases';

export const PREMIERE_ANNEE = 2016;
export const DERNIERE_ANNEE = 2025;
const ANNEES = DERNIERE_ANNEE - PREMIERE_ANNEE + 1;
const M0 = PREMIERE_ANNEE * 12;
const HORIZON = M0 + ANNEES * 12 - 1;
/** Open placements whose marché runs at least until then take the api bench's background declarations. */
const FIN_ECRITURES_API = mois('2026-10');

/** Country-wide sizes at fraction 1 (per year where it says so). */
export const TAILLE_NATIONALE = {
  donneursOrdre: 3_500,
  marchesParAn: 60_000,
  personnesParAn: 60_000,
  operationsParAn: 14_000,
  entreprisesClassiques: 30_000,
  structures: { ei: 800, ai: 600, aci: 1_200, etti: 400, geiq: 150, ea: 600, esat: 900 } as Record<Exclude<TypeEntreprise, 'classique'>, number>,
} as const;

const REGIONS = [
  'Auvergne-Rhône-Alpes', 'Bourgogne-Franche-Comté', 'Bretagne', 'Centre-Val de Loire', 'Corse', 'Grand Est', 'Hauts-de-France',
  'Île-de-France', 'Normandie', 'Nouvelle-Aquitaine', 'Occitanie', 'Pays de la Loire', "Provence-Alpes-Côte d'Azur",
  'Guadeloupe', 'Martinique', 'Guyane', 'La Réunion', 'Mayotte',
] as const;
const VILLES = [
  'Paris', 'Marseille', 'Lyon', 'Toulouse', 'Nice', 'Nantes', 'Montpellier', 'Strasbourg', 'Bordeaux', 'Lille', 'Rennes', 'Reims',
  'Toulon', 'Saint-Étienne', 'Le Havre', 'Grenoble', 'Dijon', 'Angers', 'Nîmes', 'Clermont-Ferrand', 'Besançon', 'Metz', 'Rouen',
  'Mulhouse', 'Caen', 'Nancy', 'Orléans', 'Tours', 'Amiens', 'Limoges', 'Perpignan', 'Brest', 'Poitiers', 'Pau', 'Fort-de-France',
] as const;
const SERVICES = ['Nettoyage des locaux', 'Entretien des espaces verts', 'Collecte des déchets', 'Restauration collective', 'Gardiennage', 'Blanchisserie'] as const;
const SORTIES: ReadonlyArray<readonly [Sortie, number]> = [
  ['cdi', 10], ['cdd_6_mois_et_plus', 12], ['interim_6_mois_et_plus', 8], ['formation_qualifiante', 7], ['cdd_moins_6_mois', 14],
  ['interim_moins_6_mois', 16], ['embauche_siae', 6], ['contrat_aide_6_mois_et_plus', 3], ['creation_entreprise', 1], ['abandon', 6],
  ['demenagement', 2], ['sans_solution', 12], ['autre', 3],
];
/** Months of a placement: mostly short missions, a few long contracts. */
const DUREES: ReadonlyArray<readonly [number, number]> = [[1, 35], [2, 25], [3, 15], [4, 8], [6, 8], [9, 5], [12, 3], [18, 1]];

interface Entreprise {
  id: string;
  type: TypeEntreprise;
}

interface Donneur {
  id: string;
  poids: number;
  region: number;
}

interface Operation {
  id: string;
  donneur: Donneur;
  poids: number;
  commune: string;
  finM: number;
}

interface MarcheRun {
  id: string;
  operation: Operation;
  heures: number;
  base: BaseJuridique;
  secteur: Secteur;
  debutM: number;
  finM: number;
  dateDebut: string;
  dateFin: string;
  titulaire: Entreprise;
  /** An SIAE among the attributaires (titulaire of a reserved marché, or a co-contractor): sous-traitance SIAE. */
  siae: Entreprise | null;
  avenantM: number | null;
  prolonge: boolean;
  cloture: boolean;
}

interface PlacementRun {
  id: string;
  salarieId: string;
  user: string;
  marche: MarcheRun;
  dateDebut: string;
  debutM: number;
  finM: number;
  declarations: number;
}

export function* genererNational(log: DecidedLog, seed: number, fraction: number, world: World): Generator<GeneratedPhase> {
  const root = new Random(`bench-scale:${seed}`);
  const id = (kind: string, n: number | string) => uuidV5(`bench-scale|${seed}|${kind}|${n}`);
  const n = (x: number) => Math.max(1, Math.round(x * fraction));
  const cmd = (c: PlannedCommand) => log.apply(c);
  const user = (region: number, k: number) => `facilitatrice-${String(region).padStart(2, '0')}-${k}`;
  const phase = (nom: string): GeneratedPhase => ({ nom, appends: log.flush() });

  // --- Donneurs d'ordre: a few very large buyers (log-normal weight) ------------------------
  const rd = root.fork('donneurs');
  const donneurs: Donneur[] = [];
  const nDonneurs = Math.max(3, Math.round(TAILLE_NATIONALE.donneursOrdre * fraction));
  for (let i = 0; i < nDonneurs; i++) {
    const region = i < REGIONS.length ? i : rd.int(0, REGIONS.length - 1);
    const type = rd.table<TypeDonneurOrdre>([['collectivite', 55], ['bailleur_social', 15], ['etablissement_public', 15], ['etat', 10], ['prive', 5]]);
    const d: Donneur = { id: id('donneur-ordre', i), poids: rd.size(1.4), region };
    donneurs.push(d);
    cmd({
      kind: 'donneurOrdre',
      key: `donneur-ordre/${i}`,
      userId: 'bench-scale',
      dto: { id: d.id, nom: `${NOM_TYPE[type]} ${rd.pick(VILLES)} ${i + 1}`, type, region: REGIONS[region] },
    });
  }
  const principal = donneurs.reduce((a, b) => (b.poids > a.poids ? b : a));
  world.donneurOrdreId = principal.id;
  yield phase("donneurs d'ordre");

  // --- Entreprises: ordinary companies and the insertion / disability structures ------------
  const re = root.fork('entreprises');
  const classiques: Entreprise[] = [];
  const structures = new Map<TypeEntreprise, Entreprise[]>();
  let siren = 30_000_000 + (seed % 1000) * 10_000;
  const enregistrer = (type: TypeEntreprise, k: number): Entreprise => {
    const e: Entreprise = { id: id(`entreprise-${type}`, k), type };
    cmd({ kind: 'entreprise', key: `entreprise/${type}/${k}`, userId: 'bench-scale', dto: { id: e.id, siret: siretUnique(siren++), raisonSociale: `${RAISON[type]} ${re.pick(VILLES)} ${k + 1}`, type } });
    return e;
  };
  for (let k = 0; k < n(TAILLE_NATIONALE.entreprisesClassiques); k++) {
    classiques.push(enregistrer('classique', k));
    if (log.pendingEventCount >= 20_000) yield phase('entreprises');
  }
  for (const [type, count] of Object.entries(TAILLE_NATIONALE.structures) as Array<[TypeEntreprise, number]>) {
    const list: Entreprise[] = [];
    for (let k = 0; k < n(count); k++) list.push(enregistrer(type, k));
    structures.set(type, list);
  }
  yield phase('entreprises');
  const struct = (type: TypeEntreprise) => structures.get(type)!;

  // --- Month by month --------------------------------------------------------------------------
  const operations: Operation[] = [];
  let marches: MarcheRun[] = [];
  let ouverts: PlacementRun[] = [];
  let retours: Array<{ salarieId: string; user: string; apres: string }> = [];
  let nOperations = 0;
  let nMarches = 0;
  let nPersonnes = 0;
  let nPlacements = 0;
  const rm = root.fork('marches');
  const rp = root.fork('personnes');
  const cumulDonneurs = cumul(donneurs.map((d) => d.poids));

  for (let m = M0; m <= HORIZON; m++) {
    const annee = Math.floor(m / 12);
    const moisIso = moisDeIndex(m);

    // Operations open; those past their end take no new marché.
    for (let i = 0, count = n(TAILLE_NATIONALE.operationsParAn / 12); i < count; i++) {
      const donneur = donneurs[tirer(cumulDonneurs, rm)];
      const poids = rm.size(1.6);
      const o: Operation = { id: id('operation', nOperations), donneur, poids, commune: rm.pick(VILLES), finM: m + 12 + Math.round(Math.min(96, 12 * poids)) };
      cmd({ kind: 'operation', key: `operation/${nOperations}`, userId: 'bench-scale', dto: { id: o.id, donneurOrdreId: donneur.id, nom: `Opération ${nOperations + 1} — ${o.commune}`, commune: o.commune } });
      operations.push(o);
      nOperations++;
    }
    for (let i = operations.length - 1; i >= 0; i--) if (operations[i].finM < m) operations.splice(i, 1);
    // Written before their marchés by the concurrent writers: a phase boundary keeps the log causal.
    yield phase(`${moisIso} opérations`);
    const cumulOperations = cumul(operations.map((o) => o.poids));

    // Closures (two months after the end, once every placement has ended) and amendments.
    const restants: MarcheRun[] = [];
    for (const marche of marches) {
      if (marche.avenantM === m) {
        cmd({
          kind: 'avenant',
          key: `marche/${marche.id}/avenant`,
          userId: 'bench-scale',
          marcheId: marche.id,
          dto: { heuresPrevues: arrondi10(marche.heures * 1.25), ...(marche.prolonge ? { dateFin: ajouterJours(marche.dateFin, 92) } : {}), motif: rm.pick(MOTIFS_AVENANT_HAUSSE) },
        });
        marche.heures = arrondi10(marche.heures * 1.25);
        if (marche.prolonge) {
          marche.dateFin = ajouterJours(marche.dateFin, 92);
          marche.finM = mois(marche.dateFin);
        }
      }
      if (m === marche.finM + 2) {
        if (marche.cloture) cmd({ kind: 'cloture', key: `marche/${marche.id}/cloture`, userId: 'bench-scale', marcheId: marche.id, dto: { date: ajouterJours(marche.dateFin, rm.int(15, 45)) } });
        log.forgetMarche(marche.id);
        continue;
      }
      restants.push(marche);
    }
    marches = restants;

    // New marchés, on operations drawn by weight.
    for (let i = 0, count = n(TAILLE_NATIONALE.marchesParAn / 12); i < count && operations.length > 0; i++) {
      const operation = operations[tirer(cumulOperations, rm)];
      const marche = nouveauMarche(rm, id('marche', nMarches), operation, m, classiques, struct);
      const numero = `${annee}-${String(nMarches + 1).padStart(7, '0')}`;
      const btp = marche.secteur === 'btp';
      const sousSecteur = btp ? (rm.chance(0.7) ? 'batiment' : 'travaux_publics') : undefined;
      const objet = sousSecteur === 'batiment' ? rm.table(LOTS_BATIMENT) : sousSecteur === 'travaux_publics' ? rm.table(LOTS_TP) : marche.secteur === 'services' ? rm.pick(SERVICES) : 'Maîtrise d’œuvre';
      cmd({
        kind: 'marche',
        key: `marche/${nMarches}`,
        userId: 'bench-scale',
        dto: {
          id: marche.id,
          donneurOrdreId: operation.donneur.id,
          operationId: operation.id,
          numero,
          objet,
          secteur: marche.secteur,
          ...(sousSecteur ? { sousSecteur } : {}),
          baseJuridique: marche.base,
          heuresPrevues: marche.heures,
          dateDebut: marche.dateDebut,
          dateFin: marche.dateFin,
        },
      });
      cmd({ kind: 'attribution', key: `marche/${nMarches}/titulaire`, userId: 'bench-scale', marcheId: marche.id, dto: { entrepriseId: marche.titulaire.id, role: 'titulaire' } });
      if (marche.siae && marche.siae !== marche.titulaire) {
        cmd({ kind: 'attribution', key: `marche/${nMarches}/siae`, userId: 'bench-scale', marcheId: marche.id, dto: { entrepriseId: marche.siae.id, role: rm.chance(0.5) ? 'cotraitant' : 'soustraitant' } });
      }
      if (rm.chance(0.03)) cmd({ kind: 'suivi', key: `marche/${nMarches}/suivi`, userId: 'bench-scale', marcheId: marche.id, dto: { suivi: true } });
      marches.push(marche);
      if (annee === DERNIERE_ANNEE && (world.marcheId === null || marche.heures > world.marcheHeures)) {
        world.marcheId = marche.id;
        world.marcheHeures = marche.heures;
      }
      nMarches++;
    }
    yield phase(`${moisIso} marchés`);

    // People: newcomers and people coming back for another placement, then the month's hours.
    const ouvertsAuMoisSuivant = marches.filter((x) => x.debutM <= m && x.finM > m);
    const cumulMarches = cumul(ouvertsAuMoisSuivant.map((x) => x.heures));
    const demarrer = (salarieId: string, userId: string, apres: string): void => {
      const marche = ouvertsAuMoisSuivant[tirer(cumulMarches, rp)];
      const dateDebut = apres > marche.dateDebut ? apres : marche.dateDebut;
      const duree = rp.table(DUREES);
      const p: PlacementRun = { id: id('placement', nPlacements), salarieId, user: userId, marche, dateDebut, debutM: m, finM: Math.min(m + duree - 1, marche.finM), declarations: 0 };
      const emploi = choisirEmploi(rp, marche, struct);
      cmd({
        kind: 'placement',
        key: `placement/${nPlacements}`,
        userId,
        dto: { id: p.id, salarieId, marcheId: marche.id, entrepriseId: emploi.employeur.id, entrepriseUtilisatriceId: emploi.utilisatrice, modalite: emploi.modalite, typeContrat: emploi.contrat, dateDebut },
      });
      nPlacements++;
      ouverts.push(p);
    };
    if (ouvertsAuMoisSuivant.length > 0) {
      for (const r of retours) demarrer(r.salarieId, r.user, r.apres);
      for (let i = 0, count = n(TAILLE_NATIONALE.personnesParAn / 12); i < count; i++) {
        const salarieId = id('salarie', nPersonnes);
        const region = rp.int(0, REGIONS.length - 1);
        const userId = user(region, rp.int(1, 6));
        const sexe = rp.chance(0.28) ? 'F' : 'M';
        const jour = rp.int(1, 28);
        const dateValidation = `${moisIso}-${String(jour).padStart(2, '0')}`;
        const age = rp.int(18, 62);
        const commune = rp.pick(VILLES);
        const qpv = rp.chance(0.2) ? `Quartier ${rp.int(1, 9)} de ${commune}` : null;
        cmd({
          kind: 'salarie',
          key: `salarie/${nPersonnes}`,
          userId,
          dto: {
            id: salarieId,
            nom: rp.pick(NOMS),
            prenom: sexe === 'F' ? rp.pick(PRENOMS_F) : rp.pick(PRENOMS_M),
            sexe,
            dateNaissance: `${annee - age}-${String(rp.int(1, 12)).padStart(2, '0')}-${String(rp.int(1, 28)).padStart(2, '0')}`,
            adresse: `${rp.int(1, 120)} ${rp.pick(RUES)}`,
            commune,
            quartierQpv: qpv,
            niveauFormation: rp.table<NiveauFormation>([['infra_3', 40], ['3', 32], ['4', 16], ['5', 7], ['6', 4], ['7', 1]]),
          },
        });
        const criteres: CritereEligibilite[] = rp.chance(0.5) ? ['deld'] : rp.chance(0.6) ? ['brsa'] : ['deld', 'rqth'];
        if (qpv && rp.chance(0.4)) criteres.push('qpv_sans_emploi');
        cmd({ kind: 'eligibilite', key: `salarie/${nPersonnes}/eligibilite`, userId, salarieId, dto: { criteres, dateValidation } });
        demarrer(salarieId, userId, dateValidation);
        nPersonnes++;
      }
    }
    retours = [];

    const encore: PlacementRun[] = [];
    for (const p of ouverts) {
      const premier = p.debutM === m;
      const dernier = p.finM === m;
      const dateFin = dernier ? minDate(p.marche.dateFin, finDeMois(m)) : null;
      // Hours of the month, prorated on the days worked in a first or last month.
      const debutJour = premier ? Number(p.dateDebut.slice(8, 10)) : 1;
      const finJour = dateFin ? Number(dateFin.slice(8, 10)) : joursDansMois(m);
      const part = Math.max(1, finJour - debutJour + 1) / joursDansMois(m);
      const heures = Math.max(7, Math.round(151.67 * rp.between(0.35, 1) * part * 100) / 100);
      const key = `placement/${p.id}/heures/${moisIso}`;
      const declarationId = declarationIdDe(p.id, moisIso);
      cmd({ kind: 'declaration', key, userId: p.user, placementId: p.id, declarationId, dto: { mois: moisIso, heures } });
      p.declarations++;
      if (rp.chance(0.01) && heures > 9) {
        cmd({ kind: 'correction', key: `${key}/correction`, userId: p.user, declarationId, dto: { heures: Math.round((heures - rp.int(1, 8)) * 100) / 100, motif: rp.pick(MOTIFS_CORRECTION) } });
      }
      if (!dateFin) {
        encore.push(p);
        continue;
      }
      cmd({ kind: 'fin', key: `placement/${p.id}/fin`, userId: p.user, placementId: p.id, dto: { dateFin, sortie: rp.table(SORTIES) } });
      // Some people go on to another placement next month; the others' streams are done.
      if (m < HORIZON && rp.chance(0.15)) retours.push({ salarieId: p.salarieId, user: p.user, apres: ajouterJours(dateFin, 1) });
      else log.forgetSalarie(p.salarieId);
    }
    ouverts = encore;
    yield phase(`${moisIso} salariés`);
  }

  // What the api bench writes to: open placements on marchés running late enough.
  for (const p of ouverts) {
    if (world.placementsOuverts.length >= 600) break;
    if (p.marche.finM >= FIN_ECRITURES_API && !p.marche.cloture) world.placementsOuverts.push({ placementId: p.id, premierMois: moisDeIndex(HORIZON + 1), dernierMois: moisDeIndex(FIN_ECRITURES_API) });
  }
  world.annee = DERNIERE_ANNEE;
  world.liveStreamsAtEnd = log.liveStreams;
}

function nouveauMarche(
  r: Random,
  id: string,
  operation: Operation,
  m: number,
  classiques: Entreprise[],
  struct: (type: TypeEntreprise) => Entreprise[],
): MarcheRun {
  const base = r.table<BaseJuridique>([['L2112-2', 85], ['L2152-7', 8], ['L2113-13', 4], ['marche_insertion', 2], ['L2113-12', 1]]);
  const secteur = base === 'marche_insertion' ? 'services' : r.table<Secteur>([['btp', 60], ['services', 39], ['prestations_intellectuelles', 1]]);
  const heures = Math.min(2_000_000, arrondi10(r.size(1) * 350 * Math.pow(operation.poids, 0.5) * (secteur === 'btp' ? 1.5 : 1)));
  const debut = `${moisDeIndex(m)}-${String(r.int(1, 28)).padStart(2, '0')}`;
  const duree = Math.min(60, Math.max(3, Math.round(r.size(0.6) * 12)));
  const dateFin = ajouterJours(debut, duree * 30);
  let titulaire: Entreprise;
  let siae: Entreprise | null = null;
  if (base === 'L2113-13' || base === 'marche_insertion') {
    titulaire = r.pick(struct(r.table<TypeEntreprise>([['ei', 30], ['aci', 40], ['ai', 20], ['etti', 10]])));
    siae = titulaire;
  } else if (base === 'L2113-12') {
    titulaire = r.pick(struct(r.chance(0.5) ? 'ea' : 'esat'));
  } else {
    titulaire = r.pick(classiques);
    if (r.chance(0.15)) siae = r.pick(struct(r.table<TypeEntreprise>([['ei', 35], ['aci', 35], ['etti', 30]])));
  }
  const avenant = r.chance(0.05) && duree >= 6;
  return {
    id,
    operation,
    heures,
    base,
    secteur,
    debutM: m,
    finM: mois(dateFin),
    dateDebut: debut,
    dateFin,
    titulaire,
    siae,
    avenantM: avenant ? m + Math.floor(duree / 2) : null,
    prolonge: avenant && r.chance(0.4),
    cloture: r.chance(0.7),
  };
}

/** Who employs the person, under which modalité and contract (libs/domain placement/modalite.ts). */
function choisirEmploi(
  r: Random,
  marche: MarcheRun,
  struct: (type: TypeEntreprise) => Entreprise[],
): { employeur: Entreprise; utilisatrice: string | null; modalite: Modalite; contrat: TypeContrat } {
  const t = marche.titulaire;
  if (t.type === 'ea' || t.type === 'esat') return { employeur: t, utilisatrice: null, modalite: 'embauche_directe', contrat: r.chance(0.6) ? 'cdd' : 'cdi' };
  if (t.type !== 'classique') {
    return t.type === 'etti'
      ? { employeur: t, utilisatrice: null, modalite: 'sous_traitance_siae', contrat: 'interim' }
      : { employeur: t, utilisatrice: null, modalite: 'embauche_directe', contrat: 'cddi' };
  }
  const x = r.next();
  if (marche.siae && x < 0.15) {
    return { employeur: marche.siae, utilisatrice: null, modalite: 'sous_traitance_siae', contrat: marche.siae.type === 'etti' ? 'interim' : 'cddi' };
  }
  if (x < 0.45) return { employeur: r.pick(struct('etti')), utilisatrice: t.id, modalite: 'mise_a_disposition', contrat: 'interim' };
  if (x < 0.52) return { employeur: r.pick(struct('geiq')), utilisatrice: t.id, modalite: 'mise_a_disposition', contrat: r.chance(0.7) ? 'contrat_pro' : 'apprentissage' };
  if (x < 0.56) return { employeur: r.pick(struct('ai')), utilisatrice: t.id, modalite: 'mise_a_disposition', contrat: 'cddi' };
  if (x < 0.6) return { employeur: t, utilisatrice: null, modalite: 'formation', contrat: 'formation' };
  return { employeur: t, utilisatrice: null, modalite: 'embauche_directe', contrat: r.table<TypeContrat>([['cdd', 50], ['cdi', 15], ['contrat_pro', 20], ['apprentissage', 15]]) };
}

const NOM_TYPE: Record<TypeDonneurOrdre, string> = {
  collectivite: 'Ville de',
  bailleur_social: 'Habitat',
  etablissement_public: 'Établissement public',
  etat: 'Préfecture',
  prive: 'Société',
};
const RAISON: Record<TypeEntreprise, string> = {
  classique: 'Bâtiment', ei: 'EI', ai: 'AI', aci: 'ACI', etti: 'ETTI', geiq: 'GEIQ', ea: 'EA', esat: 'ESAT',
};

// ---------------------------------------------------------------------------------------------

/** Running sums of weights, for draws by binary search (the lists hold tens of thousands). */
function cumul(poids: number[]): Float64Array {
  const sums = new Float64Array(poids.length);
  let total = 0;
  for (let i = 0; i < poids.length; i++) sums[i] = total += poids[i];
  return sums;
}

function tirer(sums: Float64Array, r: Random): number {
  const x = r.next() * sums[sums.length - 1];
  let lo = 0;
  let hi = sums.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sums[mid] > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Sequential SIRENs: no two entreprises share a SIRET (SiretReserve is unique). */
function siretUnique(n: number): string {
  const siren8 = String(n);
  const siren = siren8 + cleDeLuhn(siren8);
  const siret13 = `${siren}0001`;
  const siret = siret13 + cleDeLuhn(siret13);
  if (!estSiretValide(siret)) throw new Error(`invalid SIRET ${siret}`);
  return siret;
}

export function mois(date: string): number {
  return Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1;
}

export function moisDeIndex(index: number): string {
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

function joursDansMois(index: number): number {
  return new Date(Date.UTC(Math.floor(index / 12), (index % 12) + 1, 0)).getUTCDate();
}

function finDeMois(index: number): string {
  return `${moisDeIndex(index)}-${String(joursDansMois(index)).padStart(2, '0')}`;
}

function minDate(a: string, b: string): string {
  return a < b ? a : b;
}

function ajouterJours(date: string, jours: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + jours);
  return d.toISOString().slice(0, 10);
}

function arrondi10(x: number): number {
  return Math.max(10, Math.round(x / 10) * 10);
}
