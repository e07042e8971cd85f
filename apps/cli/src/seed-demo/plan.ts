/**
 * The pure part of `seed:demo`: from a seed, the list of commands that fill the event store
 * with a year (2025) shaped like the 2023 figures of DOMAIN.md. No database, no clock, no I/O:
 * the same seed always gives the same plan (ids included), so two runs write the same data.
 *
 * Dates are business dates; every command runs with `now` = the moment it is executed, so all
 * business dates must lie in the past (the latest is in early 2026).
 */
import { declarationIdDe, uuidV5 } from '@suivi/commands';
import {
  ageAu,
  cleDeLuhn,
  CONTRATS_EMBAUCHE,
  COUT_HORAIRE_DEFAUT,
  estSiretValide,
  estSortiePositive,
  heuresDeCalibration,
  METIERS_PAR_DEFAUT,
  trancheAgeDe,
  type BaseJuridique,
  type CritereEligibilite,
  type Modalite,
  type NiveauFormation,
  type RoleAttributaire,
  type Secteur,
  type SousSecteur,
  type Sexe,
  type Sortie,
  type TypeContrat,
  type TypeEntreprise,
} from '@suivi/domain';
import type { CalculerCalibrationDto } from '../../../api/src/calibrations/calibrations.dto';
import type { CorrigerDeclarationDto } from '../../../api/src/declarations/declarations.dto';
import type { EnregistrerDonneurOrdreDto } from '../../../api/src/donneurs-ordre/donneurs-ordre.dto';
import type { EnregistrerEntrepriseDto } from '../../../api/src/entreprises/entreprises.dto';
import type {
  AttribuerMarcheDto,
  CloturerMarcheDto,
  ConclureAvenantDto,
  EnregistrerMarcheDto,
  SuiviRegionalDto,
} from '../../../api/src/marches/marches.dto';
import type { OuvrirOperationDto } from '../../../api/src/operations/operations.dto';
import type { DeclarerHeuresDto, DemarrerPlacementDto, TerminerPlacementDto } from '../../../api/src/placements/placements.dto';
import type { EnregistrerSalarieDto, ValiderEligibiliteDto } from '../../../api/src/salaries/salaries.dto';
import { Random } from './random';
import {
  COMMUNES_HORS_QPV,
  DONNEURS,
  LOTS_BATIMENT,
  LOTS_PI,
  LOTS_TP,
  MOTIFS_AVENANT_BAISSE,
  MOTIFS_AVENANT_DUREE,
  MOTIFS_AVENANT_HAUSSE,
  MOTIFS_CORRECTION,
  NOMS,
  OPERATIONS,
  PRECISIONS_AUTRE,
  PRENOMS_F,
  PRENOMS_M,
  QPV,
  RAISONS,
  REGION,
  RUES,
  STRUCTURES,
  type NatureOperation,
} from './referentiel';

export const DEFAULT_SEED = 2023;
export const ANNEE = 2025;
export const SEED_USER = 'seed-demo';
/** Five facilitatrices and the head of service. */
export const FACILITATRICES = ['facilitatrice-01', 'facilitatrice-02', 'facilitatrice-03', 'facilitatrice-04', 'facilitatrice-05', 'cheffe-de-service'] as const;

/** The 2023 figures of DOMAIN.md, the shape of the generated year. */
export const CIBLES = {
  donneursOrdre: 33,
  operations: 136,
  salaries: 1239,
  heures: 464_855,
  partBtp: 0.6,
  partPrestationsIntellectuelles: 0.008,
  partFemmes: 0.26,
  partQpvPersonnes: 0.2,
  /** Share of the hours worked by QPV residents ("25% in another count"). */
  partQpvHeures: 0.25,
  suivisRegionaux: 23,
  /**
   * People hired in the year, as the API counts `embauches`: distinct people with a placement started in
   * the year by direct hire (`embauche_directe`) under a CDI, CDD, contrat de professionnalisation or
   * apprentissage (CONTRATS_EMBAUCHE; not a CDDI). The 2023 report's 89 hires are people.
   */
  embauches: 89,
  partCorrections: 0.01,
  partAvenants: 0.05,
  clotures: 8,
  entreprises: { batiment: 117, tp: 11, services: 20, ingenierie: 3, ei: 5, ai: 2, aci: 4, esat: 7, ea: 1, etti: 8, geiq: 1 },
} as const;

/** Months are handled as indexes (year * 12 + month - 1). */
const FENETRE_DEBUT = mois('2024-09');
const ANNEE_DEBUT = mois(`${ANNEE}-01`);
const ANNEE_FIN = mois(`${ANNEE}-12`);
const REFERENCE = `${ANNEE}-12-31`;
const HEURES_PLEIN_TEMPS = 151.67;
const PLAFOND = 220;

// ---------------------------------------------------------------------------------------------
// The plan: phases of independent chains of commands
// ---------------------------------------------------------------------------------------------

interface Base {
  /** Unique in the plan; the command's idempotency seed and correlation id derive from it. */
  key: string;
  userId: string;
}

export type PlannedCommand =
  | (Base & { kind: 'donneurOrdre'; dto: EnregistrerDonneurOrdreDto })
  | (Base & { kind: 'operation'; dto: OuvrirOperationDto })
  | (Base & { kind: 'entreprise'; dto: EnregistrerEntrepriseDto })
  | (Base & { kind: 'calibration'; dto: CalculerCalibrationDto })
  | (Base & { kind: 'marche'; dto: EnregistrerMarcheDto })
  | (Base & { kind: 'attribution'; marcheId: string; dto: AttribuerMarcheDto })
  | (Base & { kind: 'avenant'; marcheId: string; dto: ConclureAvenantDto })
  | (Base & { kind: 'suivi'; marcheId: string; dto: SuiviRegionalDto })
  | (Base & { kind: 'cloture'; marcheId: string; dto: CloturerMarcheDto })
  | (Base & { kind: 'salarie'; dto: EnregistrerSalarieDto })
  | (Base & { kind: 'eligibilite'; salarieId: string; dto: ValiderEligibiliteDto })
  | (Base & { kind: 'placement'; dto: DemarrerPlacementDto })
  | (Base & { kind: 'declaration'; placementId: string; declarationId: string; dto: DeclarerHeuresDto })
  | (Base & { kind: 'correction'; declarationId: string; dto: CorrigerDeclarationDto })
  | (Base & { kind: 'fin'; placementId: string; dto: TerminerPlacementDto });

export type CommandKind = PlannedCommand['kind'];

type SansUtilisateur<T> = T extends unknown ? Omit<T, 'userId'> : never;

/** Chains of one phase are independent (they run concurrently); commands of a chain run in order. */
export interface Phase {
  nom: string;
  chains: PlannedCommand[][];
}

export interface Plan {
  seed: number;
  phases: Phase[];
  modele: Modele;
  /** Factor applied to the non-full-time months to land on the year's hours (near 1 means well-shaped distributions). */
  facteurCalibration: number;
}

/** The generated world, as statistics need it. */
export interface Modele {
  donneurs: Array<{ id: string; nom: string; regional: boolean }>;
  operations: Array<{ id: string; donneurOrdreId: string; nom: string }>;
  marches: MarcheModele[];
  entreprises: EntrepriseModele[];
  salaries: SalarieModele[];
  calibrations: CalibrationModele[];
}

/** A sizing of insertion hours (POST /calibrations) on the default trades table of an empty store. */
export interface CalibrationModele {
  id: string;
  metier: string;
  montantHT: number;
  tauxInsertion: number;
  /** Given in the request; null: the table's (30 € on an empty store). */
  coutHoraire: number | null;
  /** What the calibration computes. */
  heures: number;
  /** The marché registered with these hours and this calibration's id, or null (a buyer's simulation). */
  marcheId: string | null;
}

export interface MarcheModele {
  id: string;
  donneurOrdreId: string;
  operationId: string;
  regional: boolean;
  secteur: Secteur;
  /** The trade of a btp marché (bâtiment or travaux publics), null otherwise. */
  sousSecteur: SousSecteur | null;
  baseJuridique: BaseJuridique;
  dateDebut: string;
  /** After amendments. */
  dateFin: string;
  /** After amendments. */
  heuresPrevues: number;
  attributaires: Array<{ entrepriseId: string; role: RoleAttributaire }>;
  suivi: boolean;
  avenant: null | { duree: boolean; heures: boolean };
  cloture: string | null;
  /** What the required hours were sized for, at the end of the year. */
  statutVise: 'conforme' | 'en_retard' | 'en_avance' | 'atteint' | 'non_atteint';
  poids: number;
  /** The calibration the required hours were sized with (POST /marches' calibrationId), or null. */
  calibrationId: string | null;
}

type Famille = 'batiment' | 'tp' | 'services' | 'ingenierie' | 'ei' | 'ai' | 'aci' | 'etti' | 'geiq' | 'esat' | 'ea';

export interface EntrepriseModele {
  id: string;
  famille: Famille;
  type: TypeEntreprise;
  siret: string;
  raisonSociale: string;
  taille: number;
}

export interface SalarieModele {
  id: string;
  facilitatrice: string;
  sexe: Sexe;
  quartierQpv: string | null;
  dateNaissance: string;
  dateValidation: string;
  placements: PlacementModele[];
}

export interface DeclarationModele {
  mois: string;
  /** As first declared. */
  heuresDeclarees: number;
  /** After the correction, if any. */
  heures: number;
  corrigee: boolean;
  /** Part of the monthly volume that the final calibration may scale (not a full-time month). */
  variable: boolean;
}

export interface PlacementModele {
  id: string;
  marcheId: string;
  entrepriseId: string;
  entrepriseUtilisatriceId: string | null;
  /** The attributaire where the person works (the employer, or the user of a mise à disposition). */
  accueilId: string;
  modalite: Modalite;
  typeContrat: TypeContrat;
  dateDebut: string;
  declarations: DeclarationModele[];
  /** The placement's last day, when it ends before 2026. */
  dateFin: string | null;
  /** The exit recorded by the facilitatrice (some ended placements have none yet). */
  sortie: Sortie | null;
  /** Another placement of the same person follows this one. */
  suiviDUnAutre: boolean;
  /** Forced to give an ETTI/AI/GEIQ someone: never turned into a direct hire. */
  couvertureEmployeur: boolean;
}

/** The idempotency seed of a planned command: event ids and server-made ids derive from it. */
export function idempotencySeedOf(seed: number, key: string): string {
  return `seed-demo|${seed}|${key}`;
}

export function correlationIdOf(seed: number, key: string): string {
  return uuidV5(`seed-demo|${seed}|${key}|correlation`);
}

// ---------------------------------------------------------------------------------------------
// Generation
// ---------------------------------------------------------------------------------------------

interface OperationGen {
  id: string;
  donneurIndex: number;
  nom: string;
  commune: string;
  nature: NatureOperation;
  lots?: readonly string[];
}

interface MarcheGen extends MarcheModele {
  numero: string;
  objet: string;
  /** Before any amendment. */
  dateFinInitiale: string;
  heuresPrevuesInitiales: number;
  motifAvenant: string | null;
  /** Hours the generator wants on this marché in 2025 (relative), and what it has put so far. */
  capacite: number;
  alloue: number;
  nature: NatureOperation | 'pi';
  /** Only direct hires can be made on it (ESAT/EA, SIAE titulaire, engineering firm). */
  embaucheSeulement: boolean;
}

export function genererPlan(seed: number = DEFAULT_SEED): Plan {
  const root = new Random(`seed-demo:${seed}`);
  const id = (kind: string, n: number | string) => uuidV5(`seed-demo|${seed}|${kind}|${n}`);

  // --- Donneurs d'ordre --------------------------------------------------------------------
  const donneurs = DONNEURS.map((d, i) => ({ ...d, id: id('donneur-ordre', i) }));

  // --- Operations: at least one per buyer, the rest by weight -------------------------------
  const rOps = root.fork('operations');
  const parDonneur = donneurs.map(() => 1);
  for (let k = donneurs.length; k < CIBLES.operations; k++) parDonneur[rOps.weighted([...donneurs.keys()], (i) => donneurs[i].poids)]++;
  const operations: OperationGen[] = [];
  donneurs.forEach((donneur, donneurIndex) => {
    const noms = new Set<string>();
    for (let k = 0; k < parDonneur[donneurIndex]; k++) {
      const tirer = () => {
        const commune = rOps.pick(donneur.communes);
        const tire = rOps.pick(OPERATIONS[donneur.categorie])((items) => rOps.pick(items), commune);
        return { ...tire, commune: tire.commune ?? commune };
      };
      let modele = tirer();
      for (let essai = 0; essai < 20 && noms.has(modele.nom); essai++) modele = tirer();
      let nom = modele.nom;
      for (let tranche = 2; noms.has(nom); tranche++) nom = `${modele.nom} – tranche ${tranche}`;
      noms.add(nom);
      operations.push({ id: id('operation', operations.length), donneurIndex, nom, commune: modele.commune, nature: modele.nature, lots: modele.lots });
    }
  });

  // --- Marchés: lots of each operation, with periods overlapping the year --------------------
  const rMar = root.fork('marches');
  const marches: MarcheGen[] = [];
  const numeros = new Map<string, number>();
  for (const op of operations) {
    const donneur = donneurs[op.donneurIndex];
    const lots: Array<{ objet: string; nature: MarcheGen['nature']; poids: number }> = [];
    if (op.nature === 'services') {
      const n = Math.min(op.lots!.length, rMar.table([[1, 62], [2, 38]] as const));
      for (const lot of rMar.shuffle(op.lots!).slice(0, n)) lots.push({ objet: lot, nature: 'services', poids: 1.6 });
    } else {
      const table = op.nature === 'batiment' ? LOTS_BATIMENT : LOTS_TP;
      const n = rMar.table(op.nature === 'batiment' ? ([[1, 30], [2, 48], [3, 22]] as const) : ([[1, 42], [2, 43], [3, 15]] as const));
      const restants = [...table];
      for (let k = 0; k < n; k++) {
        const lot = rMar.weighted(restants, ([, w]) => w);
        restants.splice(restants.indexOf(lot), 1);
        lots.push({ objet: lot[0], nature: op.nature, poids: lot[1] });
      }
      if (rMar.chance(0.07)) lots.push({ objet: rMar.pick(LOTS_PI), nature: 'pi', poids: 0.3 });
    }
    // One start for the operation; lots follow each other a little.
    const debutOp = op.nature === 'services' ? rMar.int(mois('2022-01'), mois('2025-10')) : rMar.int(mois('2023-03'), mois('2025-09'));
    const dureeOp = op.nature === 'services' ? rMar.table([[12, 35], [24, 25], [36, 25], [48, 15]] as const) : rMar.int(12, 30);
    lots.forEach((lot, k) => {
      let debut: number;
      let fin: number;
      let jourDebut: number;
      let jourFin: number | 'dernier';
      if (lot.nature === 'services') {
        debut = debutOp;
        fin = debut + dureeOp - 1;
        jourDebut = 1;
        jourFin = 'dernier';
      } else if (lot.nature === 'pi') {
        debut = debutOp;
        fin = debutOp + dureeOp + 2;
        jourDebut = rMar.int(1, 28);
        jourFin = 'dernier';
      } else {
        const decalage = k === 0 ? 0 : rMar.int(0, 4);
        debut = debutOp + decalage;
        fin = debut + Math.max(5, dureeOp - decalage - rMar.int(0, 4)) - 1;
        jourDebut = rMar.int(1, 28);
        jourFin = rMar.chance(0.7) ? 'dernier' : rMar.int(10, 28);
      }
      // Every marché works at least two months of the year.
      if (fin < ANNEE_DEBUT + 1) fin = ANNEE_DEBUT + 1 + rMar.int(0, 6);
      if (debut > ANNEE_FIN - 1) debut = ANNEE_FIN - 1;
      if (fin - debut < 3) fin = debut + 3;
      const dateDebut = dateDe(debut, jourDebut);
      const dateFin = jourFin === 'dernier' ? dateDe(fin, joursDansMois(fin)) : dateDe(fin, jourFin);
      const secteur: Secteur = lot.nature === 'services' ? 'services' : lot.nature === 'pi' ? 'prestations_intellectuelles' : 'btp';
      const code = secteur === 'btp' ? 'TRX' : secteur === 'services' ? 'SRV' : 'PI';
      const annee = moisDeIndex(debutOp).slice(0, 4);
      const compteur = `${op.donneurIndex}|${annee}|${code}`;
      if (k === 0 || lot.nature === 'pi') numeros.set(compteur, (numeros.get(compteur) ?? 0) + 1);
      const numero = `${annee}-${code}-${String(numeros.get(compteur) ?? 1).padStart(3, '0')}${lots.length > 1 && lot.nature !== 'pi' ? ` lot ${k + 1}` : ''}`;
      const moisActifs = Math.max(0, Math.min(fin, ANNEE_FIN) - Math.max(debut, ANNEE_DEBUT) + 1);
      marches.push({
        id: id('marche', marches.length),
        donneurOrdreId: donneur.id,
        operationId: op.id,
        regional: donneur.regional,
        secteur,
        sousSecteur: lot.nature === 'batiment' ? 'batiment' : lot.nature === 'tp' ? 'travaux_publics' : null,
        baseJuridique: secteur === 'services' ? (rMar.chance(0.8) ? 'L2112-2' : 'L2152-7') : rMar.chance(0.86) ? 'L2112-2' : 'L2152-7',
        dateDebut,
        dateFin,
        dateFinInitiale: dateFin,
        heuresPrevues: 0,
        heuresPrevuesInitiales: 0,
        attributaires: [],
        suivi: false,
        avenant: null,
        motifAvenant: null,
        cloture: null,
        statutVise: 'conforme',
        poids: 0,
        calibrationId: null,
        numero,
        objet: `${lot.objet} – ${op.nom}`,
        capacite: lot.poids * rMar.size(0.5) * moisActifs * (donneur.regional ? 1.3 : 1),
        alloue: 0,
        nature: lot.nature,
        embaucheSeulement: lot.nature === 'pi',
      });
    });
  }

  // Reserved marchés: to disability employers (one per ESAT/EA), to SIAE, insertion marchés.
  const services = rMar.shuffle(marches.filter((m) => m.secteur === 'services'));
  const reserves = {
    handicap: services.slice(0, CIBLES.entreprises.esat + CIBLES.entreprises.ea),
    siae: services.slice(8, 12),
    insertion: services.slice(12, 15),
  };
  for (const m of reserves.handicap) m.baseJuridique = 'L2113-12';
  for (const m of reserves.siae) m.baseJuridique = 'L2113-13';
  for (const m of reserves.insertion) m.baseJuridique = 'marche_insertion';
  for (const m of [...reserves.handicap, ...reserves.siae, ...reserves.insertion]) {
    m.embaucheSeulement = true;
    m.capacite *= 0.25;
  }

  // --- Entreprises ---------------------------------------------------------------------------
  const rEnt = root.fork('entreprises');
  const entreprises: EntrepriseModele[] = [];
  const sirets = new Set<string>();
  const raisons = new Set<string>();
  const ajouterEntreprise = (famille: Famille, raisonSociale: string) => {
    let siret = genererSiret(rEnt);
    while (sirets.has(siret)) siret = genererSiret(rEnt);
    sirets.add(siret);
    raisons.add(raisonSociale);
    const type: TypeEntreprise = ['batiment', 'tp', 'services', 'ingenierie'].includes(famille) ? 'classique' : (famille as TypeEntreprise);
    entreprises.push({ id: id('entreprise', entreprises.length), famille, type, siret, raisonSociale, taille: rEnt.size(0.7) });
  };
  for (const famille of ['batiment', 'tp', 'services', 'ingenierie'] as const) {
    for (let k = 0; k < CIBLES.entreprises[famille]; k++) {
      const { prefixes, suffixes } = RAISONS[famille];
      let nom = '';
      for (let essai = 0; essai === 0 || raisons.has(nom); essai++) {
        nom = `${rEnt.pick(prefixes)} ${rEnt.pick(NOMS)}${rEnt.chance(0.7) ? ` ${rEnt.pick(suffixes)}` : ''}${essai > 10 ? ` ${essai}` : ''}`;
      }
      ajouterEntreprise(famille, nom);
    }
  }
  for (const famille of ['ei', 'ai', 'aci', 'etti', 'geiq', 'esat', 'ea'] as const) {
    STRUCTURES[famille].slice(0, CIBLES.entreprises[famille]).forEach((nom) => ajouterEntreprise(famille, nom));
  }
  const parFamille = (...familles: Famille[]) => entreprises.filter((e) => familles.includes(e.famille));
  const usage = new Map<string, number>();
  const choisir = (pool: EntrepriseModele[], exclus: string[]): EntrepriseModele => {
    const candidats = pool.filter((e) => !exclus.includes(e.id));
    const moins = Math.min(...candidats.map((e) => usage.get(e.id) ?? 0));
    const choix = rEnt.chance(0.75) ? rEnt.pick(candidats.filter((e) => (usage.get(e.id) ?? 0) === moins)) : rEnt.weighted(candidats, (e) => e.taille);
    usage.set(choix.id, (usage.get(choix.id) ?? 0) + 1);
    return choix;
  };

  // --- Attributions --------------------------------------------------------------------------
  const esatEa = parFamille('esat', 'ea');
  reserves.handicap.forEach((m, k) => m.attributaires.push({ entrepriseId: esatEa[k].id, role: 'titulaire' }));
  for (const m of reserves.siae) m.attributaires.push({ entrepriseId: choisir(parFamille('ei', 'aci'), []).id, role: 'titulaire' });
  for (const m of reserves.insertion) m.attributaires.push({ entrepriseId: choisir(parFamille('aci'), []).id, role: 'titulaire' });
  for (const m of rEnt.shuffle(marches)) {
    if (m.attributaires.length > 0) continue;
    const famille: Famille = m.nature === 'pi' ? 'ingenierie' : m.nature;
    const pris = () => m.attributaires.map((a) => a.entrepriseId);
    m.attributaires.push({ entrepriseId: choisir(parFamille(famille), []).id, role: 'titulaire' });
    if (m.nature === 'pi') continue;
    if (rEnt.chance(0.12)) m.attributaires.push({ entrepriseId: choisir(parFamille(famille), pris()).id, role: 'cotraitant' });
    const sousTraitants = m.nature === 'services' ? rEnt.table([[0, 85], [1, 15]] as const) : rEnt.table([[0, 55], [1, 30], [2, 15]] as const);
    for (let k = 0; k < sousTraitants; k++) m.attributaires.push({ entrepriseId: choisir(parFamille(famille), pris()).id, role: 'soustraitant' });
    if (rEnt.chance(m.nature === 'batiment' ? 0.16 : 0.2)) {
      const siae = m.nature === 'batiment' ? parFamille('ei') : parFamille('aci', 'ei');
      m.attributaires.push({ entrepriseId: choisir(siae, pris()).id, role: rEnt.chance(0.8) ? 'soustraitant' : 'cotraitant' });
    }
  }
  // Safety net: a company the draw left out subcontracts on a marché of its trade.
  for (const e of entreprises.filter((x) => !['etti', 'ai', 'geiq', 'esat', 'ea'].includes(x.famille) && !usage.get(x.id))) {
    const natures: Array<MarcheGen['nature']> = e.famille === 'ingenierie' ? ['pi', 'batiment'] : e.famille === 'ei' ? ['batiment', 'services'] : e.famille === 'aci' ? ['services', 'tp'] : [e.famille as NatureOperation];
    const m = rEnt.pick(marches.filter((x) => natures.includes(x.nature) && (x.nature === 'pi' || !x.embaucheSeulement) && !x.attributaires.some((a) => a.entrepriseId === e.id)));
    m.attributaires.push({ entrepriseId: e.id, role: m.nature === 'pi' ? 'cotraitant' : 'soustraitant' });
    usage.set(e.id, 1);
  }
  const entrepriseParId = new Map(entreprises.map((e) => [e.id, e]));
  const famille = (entrepriseId: string) => entrepriseParId.get(entrepriseId)!.famille;

  // --- Regional follow-up: 23 marchés, most of them of the regional buyers -------------------
  const rSui = root.fork('suivi');
  const regionaux = rSui.shuffle(marches.filter((m) => m.regional));
  const autresGrands = rSui.shuffle(
    marches.filter((m) => !m.regional && ['Dijon Métropole', 'Département de la Côte-d’Or', 'CHU Dijon Bourgogne'].includes(donneurs.find((d) => d.id === m.donneurOrdreId)!.nom)),
  );
  const nbRegionaux = Math.min(regionaux.length, CIBLES.suivisRegionaux - 4);
  for (const m of [...regionaux.slice(0, nbRegionaux), ...autresGrands.slice(0, CIBLES.suivisRegionaux - nbRegionaux)]) m.suivi = true;

  // --- Amendments (about 5%) and closings, decided before the placements ---------------------
  const rAve = root.fork('avenants');
  const nbAvenants = Math.round(marches.length * CIBLES.partAvenants);
  const prolongeables = rAve.shuffle(marches.filter((m) => m.dateFin >= `${ANNEE}-03-31` && m.dateFin <= '2026-06-30' && moisEntre(m.dateDebut, m.dateFin) >= 8));
  for (const m of prolongeables.slice(0, nbAvenants)) {
    const genre = rAve.table([['duree', 45], ['hausse', 30], ['baisse', 10], ['les_deux', 15]] as const);
    m.avenant = { duree: genre === 'duree' || genre === 'les_deux', heures: genre !== 'duree' };
    if (m.avenant.duree) {
      const finInitiale = mois(m.dateFin) - rAve.int(2, 5);
      m.dateFinInitiale = dateDe(finInitiale, joursDansMois(finInitiale));
      m.motifAvenant = rAve.pick(MOTIFS_AVENANT_DUREE);
    }
    if (m.avenant.heures) m.motifAvenant = m.avenant.duree || genre === 'hausse' ? rAve.pick(MOTIFS_AVENANT_HAUSSE) : rAve.pick(MOTIFS_AVENANT_BAISSE);
  }
  const cloturables = rAve.shuffle(marches.filter((m) => m.dateFin <= `${ANNEE}-11-15`));
  for (const m of cloturables.slice(0, CIBLES.clotures)) m.cloture = ajouterJours(m.dateFin, rAve.int(10, 60));

  // Capacities: the hours each marché should take, per sector share.
  const partSecteur: Record<Secteur, number> = {
    btp: CIBLES.partBtp,
    services: 1 - CIBLES.partBtp - CIBLES.partPrestationsIntellectuelles,
    prestations_intellectuelles: CIBLES.partPrestationsIntellectuelles,
  };
  for (const secteur of Object.keys(partSecteur) as Secteur[]) {
    const du = marches.filter((m) => m.secteur === secteur);
    const total = du.reduce((s, m) => s + m.capacite, 0);
    for (const m of du) m.capacite = (CIBLES.heures * partSecteur[secteur] * m.capacite) / total;
  }

  // --- People and their placements -----------------------------------------------------------
  const rPer = root.fork('salaries');
  const n = CIBLES.salaries;
  const femmes = new Set(rPer.shuffle([...Array(n).keys()]).slice(0, Math.round(n * CIBLES.partFemmes)));
  const qpv = new Set(rPer.shuffle([...Array(n).keys()]).slice(0, Math.round(n * CIBLES.partQpvPersonnes)));
  // Placements by direct hire (any contract, CDDI included) the reserved marchés may take before they are
  // left out of the draw: a share of the year's hires, so that they do not crowd out the other marchés.
  const embauches = { forcees: 0, budget: CIBLES.embauches };

  // Coverage: every company hosts someone, every ETTI/AI/GEIQ employs someone.
  type Couverture = { accueil: EntrepriseModele } | { employeur: EntrepriseModele };
  const couvertures: Couverture[] = rPer.shuffle([
    ...entreprises.filter((e) => !['etti', 'ai', 'geiq'].includes(e.famille)).map((e) => ({ accueil: e })),
    ...entreprises.filter((e) => ['etti', 'ai', 'geiq'].includes(e.famille)).map((e) => ({ employeur: e })),
  ]);

  const etti = parFamille('etti');
  const salaries: SalarieModele[] = [];
  const ordre = rPer.shuffle([...Array(n).keys()]);
  for (let rang = 0; rang < n; rang++) {
    const i = ordre[rang];
    const sexe: Sexe = femmes.has(i) ? 'F' : 'M';
    const estQpv = qpv.has(i);
    const salarieId = id('salarie', i);
    const placements: PlacementModele[] = [];
    const etirement = estQpv ? 1.4 : 1;
    const ettiPrefere = rPer.weighted(etti, (e) => e.taille);

    const nouveau = (m: MarcheGen, debutMois: number, options: { forceAccueil?: EntrepriseModele; forceEmployeur?: EntrepriseModele; concurrent?: PlacementModele }) => {
      const placementId = id('placement', `${i}-${placements.length}`);
      const { accueil, employeur, modalite, typeContrat } = choisirEmploi(rPer, m, famille, entrepriseParId, parFamille, ettiPrefere, options.forceAccueil, options.forceEmployeur);
      let jour = rPer.int(1, 28);
      if (debutMois === mois(m.dateDebut)) jour = Math.max(jour, jourDe(m.dateDebut));
      if (debutMois === mois(m.dateFin)) jour = Math.min(jour, jourDe(m.dateFin));
      const dateDebut = dateDe(debutMois, jour);
      // How long the person works there, and how much a month.
      let duree = Math.round(rPer.table(DUREES) * etirement);
      if (debutMois < ANNEE_DEBUT) duree = Math.max(duree, ANNEE_DEBUT - debutMois + 1 + rPer.int(0, 3));
      const finMarche = mois(m.dateFin);
      const dernierPrevu = debutMois + duree - 1;
      const termine = dernierPrevu <= ANNEE_FIN || finMarche <= ANNEE_FIN;
      const dernier = Math.min(dernierPrevu, finMarche, ANNEE_FIN);
      let dateFin: string | null = null;
      if (termine) {
        let jourFin = dernier === finMarche && dernierPrevu >= finMarche ? jourDe(m.dateFin) : rPer.chance(0.5) ? joursDansMois(dernier) : rPer.int(5, joursDansMois(dernier));
        if (dernier === debutMois) jourFin = Math.max(jourFin, jour);
        if (dernier === finMarche) jourFin = Math.min(jourFin, jourDe(m.dateFin));
        dateFin = dateDe(dernier, jourFin);
      }
      const profil = options.concurrent ? 'second' : rPer.table([['plein', 35], ['variable', 45], ['partiel', 20]] as const);
      const base = profil === 'variable' ? rPer.between(80, 160) : profil === 'partiel' ? rPer.between(55, 115) : profil === 'second' ? rPer.between(25, 60) : HEURES_PLEIN_TEMPS;
      const declarations: DeclarationModele[] = [];
      for (let k = debutMois; k <= dernier; k++) {
        let heures = profil === 'variable' ? base * rPer.between(0.8, 1.15) : base;
        let variable = profil !== 'plein';
        if (k === debutMois && jour > 1) {
          heures *= (joursDansMois(k) - jour + 1) / joursDansMois(k);
          variable = true;
        }
        if (dateFin && k === dernier && jourDe(dateFin) < joursDansMois(k)) {
          heures *= jourDe(dateFin) / joursDansMois(k);
          variable = true;
        }
        if (k % 12 === 7) {
          heures *= m.secteur === 'btp' ? 0.55 : 0.8;
          variable = true;
        } else if (k % 12 === 11) {
          heures *= 0.85;
          variable = true;
        }
        if (options.concurrent) {
          const autre = options.concurrent.declarations.find((d) => d.mois === moisDeIndex(k));
          heures = Math.min(heures, PLAFOND - 8 - (autre?.heures ?? 0));
        }
        heures = variable ? Math.max(7, Math.round(heures * 2) / 2) : HEURES_PLEIN_TEMPS;
        declarations.push({ mois: moisDeIndex(k), heuresDeclarees: heures, heures, corrigee: false, variable });
        if (k >= ANNEE_DEBUT) m.alloue += heures;
      }
      if (modalite === 'embauche_directe' && dateDebut >= `${ANNEE}-01-01`) embauches.forcees++;
      const placement: PlacementModele = {
        id: placementId,
        marcheId: m.id,
        entrepriseId: employeur.id,
        entrepriseUtilisatriceId: modalite === 'mise_a_disposition' ? accueil.id : null,
        accueilId: accueil.id,
        modalite,
        typeContrat,
        dateDebut,
        declarations,
        dateFin,
        sortie: null,
        suiviDUnAutre: false,
        couvertureEmployeur: options.forceEmployeur !== undefined,
      };
      placements.push(placement);
      return placement;
    };

    const poidsMarche = (m: MarcheGen) => {
      if (m.embaucheSeulement && embauches.forcees >= embauches.budget * 0.6) return 0;
      const affinite = sexe === 'F' ? { btp: 0.5, services: 2.6, prestations_intellectuelles: 1.5 }[m.secteur] : { btp: 1.12, services: 0.8, prestations_intellectuelles: 1 }[m.secteur];
      return Math.max(m.capacite - m.alloue, m.capacite * 0.03) * affinite;
    };
    /** The months a placement on `m` may start in, within [depuis, jusqua]; null when none. */
    const fenetre = (m: MarcheGen, depuis: number, jusqua: number): [number, number] | null => {
      const premier = Math.max(mois(m.dateDebut), FENETRE_DEBUT, depuis);
      const dernier = Math.min(mois(m.dateFin), ANNEE_FIN, jusqua);
      return premier > dernier ? null : [premier, dernier];
    };
    const moisDebutDans = (m: MarcheGen, depuis: number, jusqua: number): number => {
      const [premier, dernier] = fenetre(m, depuis, jusqua)!;
      // Starts in late 2024 are rarer: only those lasting into the year are kept.
      const candidats = [...Array(dernier - premier + 1).keys()].map((k) => premier + k);
      return rPer.weighted(candidats, (k) => (k < ANNEE_DEBUT ? 0.35 : 1));
    };

    // First placement: a coverage one while some company still needs someone, else by capacity.
    const couverture = couvertures[rang];
    let m1: MarcheGen;
    if (couverture && 'accueil' in couverture) {
      m1 = rPer.pick(marches.filter((m) => m.attributaires.some((a) => a.entrepriseId === couverture.accueil.id)));
    } else if (couverture) {
      const secteurs: Secteur[] = couverture.employeur.famille === 'geiq' ? ['btp'] : couverture.employeur.famille === 'ai' ? ['services'] : ['btp', 'services'];
      m1 = rPer.weighted(
        marches.filter((m) => secteurs.includes(m.secteur) && !m.embaucheSeulement),
        poidsMarche,
      );
    } else {
      m1 = rPer.weighted(marches, poidsMarche);
    }
    const p1 = nouveau(m1, moisDebutDans(m1, 0, ANNEE_FIN), couverture ? ('accueil' in couverture ? { forceAccueil: couverture.accueil } : { forceEmployeur: couverture.employeur }) : {});

    // A second placement for some: after the first one, or alongside it part-time.
    if (rPer.chance(estQpv ? 0.36 : 0.26)) {
      const finP1 = p1.dateFin ? mois(p1.dateFin) : null;
      if (finP1 !== null && finP1 < ANNEE_FIN && rPer.chance(0.78)) {
        const debut = Math.min(ANNEE_FIN, finP1 + rPer.int(1, 2));
        const candidats = marches.filter((m) => m.id !== m1.id && fenetre(m, debut, debut) !== null && poidsMarche(m) > 0);
        if (candidats.length > 0) {
          const m2 = rPer.weighted(candidats, poidsMarche);
          p1.suiviDUnAutre = true;
          nouveau(m2, debut, {});
        }
      } else if (p1.declarations.length >= 2) {
        const debutP1 = mois(p1.dateDebut);
        const dernierP1 = mois(p1.declarations[p1.declarations.length - 1].mois);
        const candidats = marches.filter((m) => m.id !== m1.id && !m.embaucheSeulement && fenetre(m, debutP1 + 1, dernierP1) !== null && poidsMarche(m) > 0);
        if (candidats.length > 0) {
          const m2 = rPer.weighted(candidats, poidsMarche);
          nouveau(m2, moisDebutDans(m2, debutP1 + 1, dernierP1), { concurrent: p1 });
        }
      }
    }

    const premierDebut = placements.map((p) => p.dateDebut).sort()[0];
    const dateValidation = ajouterJours(premierDebut, -rPer.int(0, 40));
    const tranche = rPer.table([['jeune', 24], ['adulte', 56], ['senior', 20]] as const);
    const age = tranche === 'jeune' ? rPer.int(18, 25) : tranche === 'adulte' ? rPer.int(26, 49) : rPer.int(50, 61);
    const dateNaissance = naissancePourAge(rPer, dateValidation, age);
    salaries.push({
      id: salarieId,
      facilitatrice: FACILITATRICES[i % FACILITATRICES.length],
      sexe,
      quartierQpv: estQpv ? rPer.weighted(QPV, (q) => q.poids).nom : null,
      dateNaissance,
      dateValidation,
      placements,
    });
  }

  // --- Direct hires: turn some placements into hires up to the year's number of people hired ----
  // Counted as the API counts them (CIBLES.embauches): people, by direct hire under a hiring contract.
  const rEmb = root.fork('embauches');
  const tous = salaries.flatMap((s) => s.placements);
  const salarieDe = new Map(salaries.flatMap((s) => s.placements.map((p) => [p.id, s.id] as const)));
  const convertibles = rEmb.shuffle(
    tous.filter((p) => p.modalite === 'mise_a_disposition' && !p.couvertureEmployeur && entrepriseParId.get(p.accueilId)!.type === 'classique'),
  );
  const embauchesAnnee = new Set(tous.filter((p) => estEmbauche(p) && p.dateDebut.startsWith(`${ANNEE}-`)).map((p) => salarieDe.get(p.id)!));
  let avantAnnee = 0;
  for (const p of convertibles) {
    const dansAnnee = p.dateDebut.startsWith(`${ANNEE}-`);
    const personne = salarieDe.get(p.id)!;
    // A second hire of someone already hired this year adds no one: not made.
    if (dansAnnee ? embauchesAnnee.size >= CIBLES.embauches || embauchesAnnee.has(personne) : avantAnnee >= 6) continue;
    if (dansAnnee) embauchesAnnee.add(personne);
    else avantAnnee++;
    p.entrepriseId = p.accueilId;
    p.entrepriseUtilisatriceId = null;
    p.modalite = 'embauche_directe';
    p.typeContrat = rEmb.table([['cdd', 45], ['cdi', 20], ['contrat_pro', 15], ['apprentissage', 20]] as const);
  }

  // --- Calibration of the year's hours, then the 220 h rule ----------------------------------
  const dansAnnee = (d: DeclarationModele) => d.mois >= `${ANNEE}-01` && d.mois <= `${ANNEE}-12`;
  const declarationsDe = () => salaries.flatMap((s) => s.placements.flatMap((p) => p.declarations));
  const total = declarationsDe().filter(dansAnnee).reduce((s, d) => s + d.heures, 0);
  const variables = declarationsDe().filter((d) => dansAnnee(d) && d.variable).reduce((s, d) => s + d.heures, 0);
  const facteur = Math.min(1.6, Math.max(0.6, 1 + (CIBLES.heures - total) / variables));
  for (const d of declarationsDe()) {
    if (!d.variable) continue;
    d.heures = d.heuresDeclarees = Math.max(7, Math.min(200, Math.round(d.heures * facteur * 2) / 2));
  }
  for (const s of salaries) plafonner(s);

  // --- Corrections (about 1% of declarations) ------------------------------------------------
  const rCor = root.fork('corrections');
  const candidates = salaries.flatMap((s) => s.placements.flatMap((p) => p.declarations.filter((d) => d.heures >= 30).map((d) => ({ s, d }))));
  const nbCorrections = Math.round(declarationsDe().length * CIBLES.partCorrections);
  for (const { s, d } of rCor.shuffle(candidates).slice(0, nbCorrections)) {
    const haut = rCor.chance(0.3) ? rCor.pick([3.5, 7, 14]) : 0;
    const dejaMax = s.placements.flatMap((p) => p.declarations).filter((x) => x.mois === d.mois).reduce((sum, x) => sum + Math.max(x.heures, x.heuresDeclarees), 0);
    d.heures = haut > 0 && dejaMax + haut <= PLAFOND ? d.heuresDeclarees + haut : d.heuresDeclarees - rCor.pick([3.5, 7, 7, 10.5, 14, 21]);
    d.corrigee = true;
  }

  // --- Exits ---------------------------------------------------------------------------------
  const rSor = root.fork('sorties');
  for (const s of salaries) {
    for (const p of s.placements) {
      if (!p.dateFin || !rSor.chance(0.93)) continue;
      const duree = p.declarations.length;
      if (p.suiviDUnAutre) {
        p.sortie = rSor.table(
          p.typeContrat === 'interim' ? ([['interim_moins_6_mois', 80], ['autre', 20]] as const) : ([['cdd_moins_6_mois', 75], ['autre', 25]] as const),
        );
        continue;
      }
      p.sortie = rSor.table(SORTIES_PAR_CONTRAT[p.typeContrat](duree >= 6));
    }
  }

  // --- Required hours, sized from what each marché realised by the end of the year -----------
  const rHeu = root.fork('heures-prevues');
  const realise = new Map<string, number>();
  for (const s of salaries) for (const p of s.placements) for (const d of p.declarations) realise.set(p.marcheId, (realise.get(p.marcheId) ?? 0) + d.heures);
  for (const m of marches) {
    const r = realise.get(m.id) ?? 0;
    const ecoule = fractionEcoulee(m.dateDebut, m.dateFin, REFERENCE);
    let ratio: number;
    if (m.cloture) {
      m.statutVise = rHeu.chance(0.65) ? 'atteint' : 'non_atteint';
      ratio = m.statutVise === 'atteint' ? rHeu.between(1.0, 1.2) : rHeu.between(0.75, 0.95);
    } else {
      m.statutVise = rHeu.table([['conforme', 62], ['en_retard', 22], ['en_avance', 16]] as const);
      ratio = m.statutVise === 'conforme' ? rHeu.between(0.93, 1.07) : m.statutVise === 'en_retard' ? rHeu.between(0.5, 0.85) : rHeu.between(1.15, 1.5);
    }
    m.heuresPrevues = r > 0 ? Math.max(35, arrondi10(r / (ecoule * ratio))) : rHeu.int(30, 150) * 10;
    if (r === 0) m.statutVise = m.cloture ? 'non_atteint' : 'en_retard';
    m.heuresPrevuesInitiales = m.heuresPrevues;
    if (m.avenant?.heures) {
      const baisse = MOTIFS_AVENANT_BAISSE.includes(m.motifAvenant!);
      m.heuresPrevuesInitiales = arrondi10(baisse ? m.heuresPrevues * rHeu.between(1.15, 1.3) : m.heuresPrevues / rHeu.between(1.15, 1.35));
      if (m.heuresPrevuesInitiales === m.heuresPrevues) m.heuresPrevuesInitiales += 10;
    }
    m.poids = r;
  }

  const calibrations = calibrer(marches, (n) => id('calibration', n));

  return {
    ...assembler(seed, donneurs, operations, marches, entreprises, salaries, calibrations, root.fork('identites')),
    facteurCalibration: Math.round(facteur * 1000) / 1000,
  };
}

/** A direct hire as the API counts it (`embauches`): by `embauche_directe` under a hiring contract (not a CDDI). */
function estEmbauche(p: Pick<PlacementModele, 'modalite' | 'typeContrat'>): boolean {
  return p.modalite === 'embauche_directe' && CONTRATS_EMBAUCHE.includes(p.typeContrat);
}

/**
 * Three sizings with the default trades table (what an empty store holds): a gros œuvre lot and a
 * painting lot sized with the masonry and interior-painting trades, each registered with its
 * calibration's hours and id (the amount is chosen so that the computation gives the marché's initial
 * hours exactly), and a buyer's simulation for metal frames at the table's hourly cost, used by no
 * marché. No random draw: the rest of the plan is the same with or without them.
 */
function calibrer(marches: MarcheGen[], idDe: (n: number) => string): CalibrationModele[] {
  const part = (metier: string) => METIERS_PAR_DEFAUT.find((m) => m.metier === metier)!.partMainOeuvre;
  const sizings = [
    { lot: 'Gros œuvre', metier: 'maconnerie', tauxInsertion: 0.05, coutHoraire: 30 },
    { lot: 'Peinture – revêtements muraux', metier: 'peinture_interieure', tauxInsertion: 0.1, coutHoraire: 35 },
  ];
  const calibrations: CalibrationModele[] = [];
  for (const { lot, metier, tauxInsertion, coutHoraire } of sizings) {
    // The first such lot whose hours no amendment changed (its registration's hours are the sized ones).
    const m = marches.find((x) => x.objet.startsWith(`${lot} – `) && !x.avenant?.heures && x.calibrationId === null);
    if (!m) continue;
    // heures = montantHT × part × taux ÷ coût: montantHT = heures × coût ÷ (part × taux), in whole euros here.
    const montantHT = Math.round((m.heuresPrevuesInitiales * coutHoraire) / (part(metier) * tauxInsertion));
    const heures = heuresDeCalibration({ montantHT, partMainOeuvre: part(metier), tauxInsertion, coutHoraire });
    if (heures !== m.heuresPrevuesInitiales) throw new Error(`calibration de ${m.numero} : ${heures} h au lieu de ${m.heuresPrevuesInitiales} h`);
    const id = idDe(calibrations.length);
    m.calibrationId = id;
    calibrations.push({ id, metier, montantHT, tauxInsertion, coutHoraire, heures, marcheId: m.id });
  }
  const simulation = { metier: 'menuiseries_metalliques', montantHT: 480_000, tauxInsertion: 0.07 };
  calibrations.push({
    id: idDe(calibrations.length),
    ...simulation,
    coutHoraire: null,
    heures: heuresDeCalibration({ ...simulation, partMainOeuvre: part(simulation.metier), coutHoraire: COUT_HORAIRE_DEFAUT }),
    marcheId: null,
  });
  return calibrations;
}

// ---------------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------------

function assembler(
  seed: number,
  donneurs: Array<(typeof DONNEURS)[number] & { id: string }>,
  operations: OperationGen[],
  marches: MarcheGen[],
  entreprises: EntrepriseModele[],
  salaries: SalarieModele[],
  calibrations: CalibrationModele[],
  rId: Random,
): Omit<Plan, 'facteurCalibration'> {
  const ref = (command: SansUtilisateur<PlannedCommand>): PlannedCommand => ({ ...command, userId: SEED_USER }) as PlannedCommand;

  const phaseDonneurs: Phase = {
    nom: 'donneurs d’ordre',
    chains: donneurs.map((d) => [ref({ kind: 'donneurOrdre', key: `donneur-ordre/${d.id}`, dto: { id: d.id, nom: d.nom, type: d.type, region: REGION } })]),
  };
  const phaseOperations: Phase = {
    nom: 'opérations, entreprises, calibrations',
    chains: [
      ...operations.map((o) => [
        ref({ kind: 'operation', key: `operation/${o.id}`, dto: { id: o.id, donneurOrdreId: donneurs[o.donneurIndex].id, nom: o.nom, commune: o.commune } }),
      ]),
      ...entreprises.map((e) => [
        ref({ kind: 'entreprise', key: `entreprise/${e.id}`, dto: { id: e.id, siret: e.siret, raisonSociale: e.raisonSociale, type: e.type } }),
      ]),
      ...calibrations.map((c) => [
        ref({
          kind: 'calibration',
          key: `calibration/${c.id}`,
          dto: {
            id: c.id,
            montantHT: c.montantHT,
            metier: c.metier,
            tauxInsertion: c.tauxInsertion,
            ...(c.coutHoraire === null ? {} : { coutHoraire: c.coutHoraire }),
          },
        }),
      ]),
    ],
  };
  const phaseMarches: Phase = {
    nom: 'marchés',
    chains: marches.map((m) => {
      const chain: PlannedCommand[] = [
        ref({
          kind: 'marche',
          key: `marche/${m.id}`,
          dto: {
            id: m.id,
            donneurOrdreId: m.donneurOrdreId,
            operationId: m.operationId,
            numero: m.numero,
            objet: m.objet,
            secteur: m.secteur,
            ...(m.sousSecteur ? { sousSecteur: m.sousSecteur } : {}),
            baseJuridique: m.baseJuridique,
            heuresPrevues: m.heuresPrevuesInitiales,
            dateDebut: m.dateDebut,
            dateFin: m.dateFinInitiale,
            ...(m.calibrationId ? { calibrationId: m.calibrationId } : {}),
          },
        }),
        ...m.attributaires.map((a) =>
          ref({ kind: 'attribution', key: `marche/${m.id}/attribution/${a.entrepriseId}`, marcheId: m.id, dto: { entrepriseId: a.entrepriseId, role: a.role } }),
        ),
      ];
      if (m.avenant) {
        chain.push(
          ref({
            kind: 'avenant',
            key: `marche/${m.id}/avenant`,
            marcheId: m.id,
            dto: {
              ...(m.avenant.heures ? { heuresPrevues: m.heuresPrevues } : {}),
              ...(m.avenant.duree ? { dateFin: m.dateFin } : {}),
              motif: m.motifAvenant!,
            },
          }),
        );
      }
      if (m.suivi) chain.push(ref({ kind: 'suivi', key: `marche/${m.id}/suivi`, marcheId: m.id, dto: { suivi: true } }));
      return chain;
    }),
  };

  const phaseSalaries: Phase = { nom: 'salariés', chains: salaries.map((s) => chaineSalarie(seed, s, rId)) };
  const phaseClotures: Phase = {
    nom: 'clôtures',
    chains: marches.filter((m) => m.cloture).map((m) => [ref({ kind: 'cloture', key: `marche/${m.id}/cloture`, marcheId: m.id, dto: { date: m.cloture! } })]),
  };

  const modele: Modele = {
    donneurs: donneurs.map((d) => ({ id: d.id, nom: d.nom, regional: d.regional })),
    operations: operations.map((o) => ({ id: o.id, donneurOrdreId: donneurs[o.donneurIndex].id, nom: o.nom })),
    marches: marches.map(
      ({ numero: _n, objet: _o, dateFinInitiale: _d, heuresPrevuesInitiales: _h, motifAvenant: _m, capacite: _c, alloue: _a, nature: _na, embaucheSeulement: _e, ...m }) => m,
    ),
    entreprises,
    salaries,
    calibrations,
  };
  return { seed, phases: [phaseDonneurs, phaseOperations, phaseMarches, phaseSalaries, phaseClotures], modele };
}

/** One person's commands in business order: registration, eligibility, placements, months, exits. */
function chaineSalarie(seed: number, s: SalarieModele, r: Random): PlannedCommand[] {
  const qpv = QPV.find((q) => q.nom === s.quartierQpv);
  const commune = qpv ? qpv.commune : r.table(COMMUNES_HORS_QPV);
  const prenom = s.sexe === 'F' ? r.pick(PRENOMS_F) : r.pick(PRENOMS_M);
  const age = ageAu(s.dateNaissance, s.dateValidation);
  const niveau: NiveauFormation =
    age < 26
      ? r.table([['infra_3', 50], ['3', 35], ['4', 15]] as const)
      : r.table([['infra_3', 40], ['3', 32], ['4', 16], ['5', 7], ['6', 4], ['7', 1]] as const);
  const siae = s.placements.some((p) => p.typeContrat === 'cddi');
  const criteres = new Set<CritereEligibilite>();
  if (age < 26 && (niveau === 'infra_3' || niveau === '3') && r.chance(0.75)) criteres.add('jeune_peu_qualifie');
  if (age >= 50 && r.chance(0.65)) criteres.add('senior_demandeur');
  if (s.quartierQpv && r.chance(0.45)) criteres.add('qpv_sans_emploi');
  if (r.chance(0.42)) criteres.add('deld');
  if (r.chance(0.33)) criteres.add('brsa');
  if (r.chance(0.07)) criteres.add('rqth');
  if (siae && r.chance(0.5)) criteres.add('salarie_siae');
  if (r.chance(0.03)) criteres.add('refugie');
  if (r.chance(0.02)) criteres.add('sous_main_justice');
  if (criteres.size === 0) criteres.add(r.chance(0.06) ? 'autre' : r.pick(['deld', 'brsa'] as const));
  const liste = [...criteres].slice(0, 3);

  type Etape = { date: string; ordre: number; command: PlannedCommand };
  const etapes: Etape[] = [];
  const user = s.facilitatrice;
  const dateEnregistrement = ajouterJours(s.dateValidation, -r.int(0, 20));
  etapes.push({
    date: dateEnregistrement,
    ordre: 0,
    command: {
      kind: 'salarie',
      key: `salarie/${s.id}`,
      userId: user,
      dto: {
        id: s.id,
        nom: r.pick(NOMS),
        prenom,
        sexe: s.sexe,
        dateNaissance: s.dateNaissance,
        adresse: r.chance(0.9) ? `${r.int(1, 120)} ${r.pick(RUES)}` : null,
        commune,
        quartierQpv: s.quartierQpv,
        niveauFormation: niveau,
      },
    },
  });
  etapes.push({
    date: s.dateValidation,
    ordre: 1,
    command: {
      kind: 'eligibilite',
      key: `salarie/${s.id}/eligibilite`,
      userId: user,
      salarieId: s.id,
      dto: { criteres: liste, dateValidation: s.dateValidation, ...(liste.includes('autre') ? { precision: r.pick(PRECISIONS_AUTRE) } : {}) },
    },
  });
  for (const p of s.placements) {
    etapes.push({
      date: p.dateDebut,
      ordre: 2,
      command: {
        kind: 'placement',
        key: `placement/${p.id}`,
        userId: user,
        dto: {
          id: p.id,
          salarieId: s.id,
          marcheId: p.marcheId,
          entrepriseId: p.entrepriseId,
          entrepriseUtilisatriceId: p.entrepriseUtilisatriceId,
          modalite: p.modalite,
          typeContrat: p.typeContrat,
          dateDebut: p.dateDebut,
        },
      },
    });
    let derniere = p.dateDebut;
    for (const d of p.declarations) {
      const key = `placement/${p.id}/heures/${d.mois}`;
      const declarationId = declarationIdDe(p.id, d.mois);
      const date = ajouterJours(`${d.mois}-01`, 31 + r.int(0, 10));
      derniere = date > derniere ? date : derniere;
      etapes.push({ date, ordre: 3, command: { kind: 'declaration', key, userId: user, placementId: p.id, declarationId, dto: { mois: d.mois, heures: d.heuresDeclarees } } });
      if (d.corrigee) {
        etapes.push({
          date: ajouterJours(date, r.int(5, 25)),
          ordre: 4,
          command: { kind: 'correction', key: `${key}/correction`, userId: user, declarationId, dto: { heures: d.heures, motif: r.pick(MOTIFS_CORRECTION) } },
        });
      }
    }
    if (p.dateFin && p.sortie) {
      const date = ajouterJours(p.dateFin > derniere ? p.dateFin : derniere, r.int(1, 15));
      etapes.push({ date, ordre: 5, command: { kind: 'fin', key: `placement/${p.id}/fin`, userId: user, placementId: p.id, dto: { dateFin: p.dateFin, sortie: p.sortie } } });
    }
  }
  // Stable sort: business date, then kind of step, then plan order.
  return etapes
    .map((e, index) => ({ ...e, index }))
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.ordre - b.ordre || a.index - b.index))
    .map((e) => e.command);
}

// ---------------------------------------------------------------------------------------------
// Employment: who employs the person, as which modalité
// ---------------------------------------------------------------------------------------------

function choisirEmploi(
  r: Random,
  m: MarcheGen,
  famille: (entrepriseId: string) => Famille,
  entreprises: Map<string, EntrepriseModele>,
  parFamille: (...familles: Famille[]) => EntrepriseModele[],
  ettiPrefere: EntrepriseModele,
  forceAccueil?: EntrepriseModele,
  forceEmployeur?: EntrepriseModele,
): { accueil: EntrepriseModele; employeur: EntrepriseModele; modalite: Modalite; typeContrat: TypeContrat } {
  const classiques = m.attributaires.filter((a) => entreprises.get(a.entrepriseId)!.type === 'classique');
  let accueil: EntrepriseModele;
  if (forceAccueil) accueil = forceAccueil;
  else if (forceEmployeur) accueil = entreprises.get(r.weighted(classiques, (a) => POIDS_ROLE[a.role]).entrepriseId)!;
  else accueil = entreprises.get(r.weighted(m.attributaires, (a) => POIDS_ROLE[a.role] * (famille(a.entrepriseId) === 'ei' || famille(a.entrepriseId) === 'aci' ? 1.5 : 1)).entrepriseId)!;
  const role = m.attributaires.find((a) => a.entrepriseId === accueil.id)!.role;

  switch (accueil.famille) {
    case 'esat':
    case 'ea':
      return { accueil, employeur: accueil, modalite: 'embauche_directe', typeContrat: r.chance(0.7) ? 'cdd' : 'cdi' };
    case 'ei':
    case 'aci':
      return role === 'titulaire'
        ? { accueil, employeur: accueil, modalite: 'embauche_directe', typeContrat: 'cddi' }
        : { accueil, employeur: accueil, modalite: 'sous_traitance_siae', typeContrat: 'cddi' };
    case 'ingenierie':
      return { accueil, employeur: accueil, modalite: 'embauche_directe', typeContrat: r.chance(0.6) ? 'apprentissage' : 'contrat_pro' };
    default:
      break;
  }
  const btp = m.secteur === 'btp';
  const voie = forceEmployeur
    ? forceEmployeur.famille
    : r.table([['etti', 80], ['geiq', btp ? 8 : 0], ['ai', btp ? 0 : 11], ['formation', 2]] as const);
  switch (voie) {
    case 'geiq':
      return { accueil, employeur: forceEmployeur ?? parFamille('geiq')[0], modalite: 'mise_a_disposition', typeContrat: 'contrat_pro' };
    case 'ai':
      // Each provider with its own contract (libs/domain/src/placement/modalite.ts): an AI's people are on CDDI.
      return { accueil, employeur: forceEmployeur ?? r.pick(parFamille('ai')), modalite: 'mise_a_disposition', typeContrat: 'cddi' };
    case 'formation':
      return { accueil, employeur: accueil, modalite: 'formation', typeContrat: 'formation' };
    default: {
      const employeur = forceEmployeur ?? (r.chance(0.6) ? ettiPrefere : r.weighted(parFamille('etti'), (e) => e.taille));
      return { accueil, employeur, modalite: 'mise_a_disposition', typeContrat: 'interim' };
    }
  }
}

const POIDS_ROLE: Record<RoleAttributaire, number> = { titulaire: 60, cotraitant: 15, soustraitant: 14 };

/** Months worked on a placement (before the QPV stretch). */
const DUREES: ReadonlyArray<readonly [number, number]> = [
  [1, 14], [2, 15], [3, 14], [4, 11], [5, 9], [6, 9], [7, 6], [8, 5], [9, 4], [10, 3], [11, 3], [12, 7],
];

type TableSorties = ReadonlyArray<readonly [Sortie, number]>;
const SORTIES_PAR_CONTRAT: Record<TypeContrat, (sixMoisOuPlus: boolean) => TableSorties> = {
  interim: (six) => [
    ['cdi', 12], ['cdd_6_mois_et_plus', 13], ['interim_6_mois_et_plus', six ? 30 : 14], ['interim_moins_6_mois', six ? 6 : 16],
    ['formation_qualifiante', 9], ['contrat_aide_6_mois_et_plus', 5], ['creation_entreprise', 1], ['embauche_siae', 3],
    ['abandon', 7], ['demenagement', 2], ['sans_solution', 8], ['autre', 4],
  ],
  cddi: () => [
    ['cdi', 5], ['cdd_6_mois_et_plus', 12], ['interim_6_mois_et_plus', 6], ['contrat_aide_6_mois_et_plus', 10], ['formation_qualifiante', 14],
    ['embauche_siae', 18], ['cdd_moins_6_mois', 8], ['abandon', 10], ['sans_solution', 12], ['autre', 5],
  ],
  cdi: () => [['cdi', 88], ['demenagement', 4], ['abandon', 3], ['autre', 5]],
  cdd: (six) => [
    [six ? 'cdd_6_mois_et_plus' : 'cdd_moins_6_mois', 30], ['cdi', 20], ['cdd_moins_6_mois', 20], ['interim_6_mois_et_plus', 5],
    ['sans_solution', 12], ['abandon', 6], ['autre', 7],
  ],
  contrat_pro: () => [['cdi', 30], ['cdd_6_mois_et_plus', 20], ['formation_qualifiante', 30], ['sans_solution', 10], ['abandon', 10]],
  apprentissage: () => [['cdi', 25], ['cdd_6_mois_et_plus', 15], ['formation_qualifiante', 40], ['sans_solution', 10], ['abandon', 10]],
  formation: () => [['formation_qualifiante', 60], ['cdd_moins_6_mois', 10], ['abandon', 15], ['sans_solution', 15]],
};

/** Keeps every person-month a little under 220 h (room for an upward correction). */
function plafonner(s: SalarieModele): void {
  const cible = PLAFOND - 5;
  const parMois = new Map<string, DeclarationModele[]>();
  for (const p of s.placements) for (const d of p.declarations) parMois.set(d.mois, [...(parMois.get(d.mois) ?? []), d]);
  for (const declarations of parMois.values()) {
    let somme = declarations.reduce((sum, d) => sum + d.heures, 0);
    for (const d of [...declarations].sort((a, b) => b.heures - a.heures)) {
      if (somme <= cible) break;
      const reduit = Math.max(7, Math.floor((d.heures - (somme - cible)) * 2) / 2);
      somme -= d.heures - reduit;
      d.heures = d.heuresDeclarees = reduit;
      d.variable = true;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Summary: the figures the plan is meant to produce (also what the spec checks)
// ---------------------------------------------------------------------------------------------

export interface ResumePlan {
  commandes: number;
  commandesParType: Record<CommandKind, number>;
  donneursOrdre: number;
  operations: number;
  marches: number;
  marchesParSecteur: Record<Secteur, number>;
  entreprises: number;
  entreprisesParType: Record<string, number>;
  /** Companies that employ or host (mise à disposition) someone with hours in the year. */
  entreprisesAccueillantes: number;
  /**
   * The breakdowns of the bilan, computed here from the model (the API computes them from the events):
   * those companies by kind, the ordinary ones by the trade of the marchés with most of their hours of the
   * year (btp: its sub-sector; services and prestations intellectuelles: services), the year's hours by
   * modalité and by the employer's kind.
   */
  entreprisesParTypeAccueillantes: Record<string, number>;
  entreprisesParMetier: Record<string, number>;
  heuresParModalite: Record<string, number>;
  heuresParTypeEmployeur: Record<string, number>;
  salaries: number;
  personnesAvecHeures: number;
  heures: number;
  heuresParSecteur: Record<Secteur, number>;
  partFemmes: number;
  partQpvPersonnes: number;
  partQpvHeures: number;
  /**
   * Shares of the people with hours in the year by their age band at registration (the day seed:demo runs the
   * commands, `jourEnregistrement`), as /indicateurs counts them.
   */
  partMoins26: number;
  partPlus50: number;
  placements: number;
  placementsParModalite: Record<string, number>;
  declarations: number;
  corrections: number;
  sorties: number;
  sortiesPositives: number;
  /** People hired in the year, as the API's `embauches` (see CIBLES.embauches). */
  embauches: number;
  /** Their placements, as the API's `placementsEmbauche`. */
  placementsEmbauche: number;
  calibrations: number;
  /** Marchés registered with a calibration's id. */
  marchesCalibres: number;
  avenants: number;
  suivis: number;
  suivisDAcheteursRegionaux: number;
  clotures: number;
  statutsVises: Record<string, number>;
  /** Highest hours of one person in one month (after corrections, and as first declared). */
  maxHeuresPersonneMois: number;
}

/** `jourEnregistrement`: the Paris day the people are registered (their age band is the one of that day). */
export function resumerPlan(plan: Plan, jourEnregistrement: string): ResumePlan {
  const { modele } = plan;
  const commandesParType = {} as Record<CommandKind, number>;
  let commandes = 0;
  for (const phase of plan.phases) {
    for (const chain of phase.chains) {
      for (const c of chain) {
        commandesParType[c.kind] = (commandesParType[c.kind] ?? 0) + 1;
        commandes++;
      }
    }
  }
  const secteurDe = new Map(modele.marches.map((m) => [m.id, m.secteur]));
  const annee = (moisIso: string) => moisIso.startsWith(`${ANNEE}-`);
  const heuresParSecteur: Record<Secteur, number> = { btp: 0, services: 0, prestations_intellectuelles: 0 };
  let heures = 0;
  let heuresQpv = 0;
  let avecHeures = 0;
  let femmes = 0;
  let qpv = 0;
  let moins26 = 0;
  let plus50 = 0;
  let max = 0;
  const accueillantes = new Set<string>();
  const marcheDe = new Map(modele.marches.map((m) => [m.id, m]));
  const typeDe = new Map(modele.entreprises.map((e) => [e.id, e.type]));
  const heuresParMetierDe = new Map<string, Record<string, number>>();
  const heuresParModalite: Record<string, number> = {};
  const heuresParTypeEmployeur: Record<string, number> = {};
  const ajouterA = (acc: Record<string, number>, cle: string, n: number) => (acc[cle] = (acc[cle] ?? 0) + n);
  const placementsParModalite: Record<string, number> = {};
  let placements = 0;
  let declarations = 0;
  let corrections = 0;
  let sorties = 0;
  let positives = 0;
  const embauches = new Set<string>();
  let placementsEmbauche = 0;
  for (const s of modele.salaries) {
    let h = 0;
    const parMois = new Map<string, number>();
    for (const p of s.placements) {
      placements++;
      placementsParModalite[p.modalite] = (placementsParModalite[p.modalite] ?? 0) + 1;
      if (estEmbauche(p) && p.dateDebut.startsWith(`${ANNEE}-`)) {
        embauches.add(s.id);
        placementsEmbauche++;
      }
      if (p.sortie && p.dateFin?.startsWith(`${ANNEE}-`)) {
        sorties++;
        if (estSortiePositive(p.sortie)) positives++;
      }
      let hp = 0;
      for (const d of p.declarations) {
        declarations++;
        if (d.corrigee) corrections++;
        parMois.set(d.mois, (parMois.get(d.mois) ?? 0) + Math.max(d.heures, d.heuresDeclarees));
        if (!annee(d.mois) || d.heures <= 0) continue;
        hp += d.heures;
        heuresParSecteur[secteurDe.get(p.marcheId)!] += d.heures;
        const m = marcheDe.get(p.marcheId)!;
        const metier = m.secteur === 'btp' ? m.sousSecteur! : 'services';
        for (const e of new Set([p.entrepriseId, p.entrepriseUtilisatriceId ?? p.entrepriseId])) {
          heuresParMetierDe.set(e, heuresParMetierDe.get(e) ?? {});
          ajouterA(heuresParMetierDe.get(e)!, metier, d.heures);
        }
        ajouterA(heuresParModalite, p.modalite, d.heures);
        ajouterA(heuresParTypeEmployeur, typeDe.get(p.entrepriseId)!, d.heures);
      }
      if (hp > 0) {
        accueillantes.add(p.entrepriseId);
        if (p.entrepriseUtilisatriceId) accueillantes.add(p.entrepriseUtilisatriceId);
      }
      h += hp;
    }
    for (const v of parMois.values()) max = Math.max(max, v);
    heures += h;
    if (h > 0) {
      avecHeures++;
      if (s.sexe === 'F') femmes++;
      if (s.quartierQpv) {
        qpv++;
        heuresQpv += h;
      }
      // The band the decider records at registration, as the indicators count it.
      const tranche = trancheAgeDe(ageAu(s.dateNaissance, jourEnregistrement));
      if (tranche === 'moins_26') moins26++;
      if (tranche === '50_plus') plus50++;
    }
  }
  const entreprisesParType: Record<string, number> = {};
  for (const e of modele.entreprises) {
    const cle = e.type === 'classique' ? `classique (${e.famille})` : e.type;
    entreprisesParType[cle] = (entreprisesParType[cle] ?? 0) + 1;
  }
  const entreprisesParTypeAccueillantes: Record<string, number> = {};
  const entreprisesParMetier: Record<string, number> = {};
  for (const [e, parMetier] of heuresParMetierDe) {
    ajouterA(entreprisesParTypeAccueillantes, typeDe.get(e)!, 1);
    if (typeDe.get(e) !== 'classique') continue;
    const metier = ['batiment', 'travaux_publics', 'services'].filter((x) => x in parMetier).reduce((a, b) => (parMetier[b] > parMetier[a] ? b : a));
    ajouterA(entreprisesParMetier, metier, 1);
  }
  const statutsVises: Record<string, number> = {};
  for (const m of modele.marches) statutsVises[m.statutVise] = (statutsVises[m.statutVise] ?? 0) + 1;
  const marchesParSecteur: Record<Secteur, number> = { btp: 0, services: 0, prestations_intellectuelles: 0 };
  for (const m of modele.marches) marchesParSecteur[m.secteur]++;
  const regionaux = new Set(modele.donneurs.filter((d) => d.regional).map((d) => d.id));
  const arrondi2 = (x: number) => Math.round(x * 100) / 100;
  return {
    commandes,
    commandesParType,
    donneursOrdre: modele.donneurs.length,
    operations: modele.operations.length,
    marches: modele.marches.length,
    marchesParSecteur,
    entreprises: modele.entreprises.length,
    entreprisesParType,
    entreprisesAccueillantes: accueillantes.size,
    entreprisesParTypeAccueillantes,
    entreprisesParMetier,
    heuresParModalite: Object.fromEntries(Object.entries(heuresParModalite).map(([k, v]) => [k, Math.round(v * 100) / 100])),
    heuresParTypeEmployeur: Object.fromEntries(Object.entries(heuresParTypeEmployeur).map(([k, v]) => [k, Math.round(v * 100) / 100])),
    salaries: modele.salaries.length,
    personnesAvecHeures: avecHeures,
    heures: arrondi2(heures),
    heuresParSecteur: { btp: arrondi2(heuresParSecteur.btp), services: arrondi2(heuresParSecteur.services), prestations_intellectuelles: arrondi2(heuresParSecteur.prestations_intellectuelles) },
    partFemmes: femmes / avecHeures,
    partQpvPersonnes: qpv / avecHeures,
    partQpvHeures: heuresQpv / heures,
    partMoins26: moins26 / avecHeures,
    partPlus50: plus50 / avecHeures,
    placements,
    placementsParModalite,
    declarations,
    corrections,
    sorties,
    sortiesPositives: positives,
    embauches: embauches.size,
    placementsEmbauche,
    calibrations: modele.calibrations.length,
    marchesCalibres: modele.marches.filter((m) => m.calibrationId !== null).length,
    avenants: modele.marches.filter((m) => m.avenant).length,
    suivis: modele.marches.filter((m) => m.suivi).length,
    suivisDAcheteursRegionaux: modele.marches.filter((m) => m.suivi && regionaux.has(m.donneurOrdreId)).length,
    clotures: modele.marches.filter((m) => m.cloture).length,
    statutsVises,
    maxHeuresPersonneMois: arrondi2(max),
  };
}

// ---------------------------------------------------------------------------------------------
// Small helpers: months, dates, SIRET
// ---------------------------------------------------------------------------------------------

function mois(date: string): number {
  return Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1;
}

function moisDeIndex(index: number): string {
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

function joursDansMois(index: number): number {
  return new Date(Date.UTC(Math.floor(index / 12), (index % 12) + 1, 0)).getUTCDate();
}

function dateDe(index: number, jour: number): string {
  return `${moisDeIndex(index)}-${String(jour).padStart(2, '0')}`;
}

function jourDe(date: string): number {
  return Number(date.slice(8, 10));
}

function ajouterJours(date: string, jours: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + jours);
  return d.toISOString().slice(0, 10);
}

function moisEntre(debut: string, fin: string): number {
  return mois(fin) - mois(debut) + 1;
}

function fractionEcoulee(debut: string, fin: string, date: string): number {
  const jours = (a: string, b: string) => (Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000 + 1;
  if (date >= fin) return 1;
  if (date < debut) return 0;
  return jours(debut, date) / jours(debut, fin);
}

function arrondi10(x: number): number {
  return Math.max(10, Math.round(x / 10) * 10);
}

/** A birth date giving exactly `age` whole years on `date`. */
function naissancePourAge(r: Random, date: string, age: number): string {
  const annee = Number(date.slice(0, 4)) - age - 1;
  // Born between the day after `date` one year earlier and `date` itself (age exactly `age`).
  const debut = `${annee}${date.slice(4)}`;
  let naissance = ajouterJours(debut.endsWith('02-29') ? `${annee}-03-01` : debut, r.int(1, 364));
  while (ageAu(naissance, date) > age) naissance = ajouterJours(naissance, 1);
  while (ageAu(naissance, date) < age) naissance = ajouterJours(naissance, -1);
  return naissance;
}

/** 14 digits: a SIREN with its Luhn key, an establishment number, and the SIRET's Luhn key. */
function genererSiret(r: Random): string {
  for (;;) {
    const siren8 = String(r.int(30_000_000, 99_999_999));
    const siren = siren8 + cleDeLuhn(siren8);
    const siret13 = siren + String(r.int(1, 999)).padStart(4, '0');
    const siret = siret13 + cleDeLuhn(siret13);
    if (!siret.startsWith('356000000') && estSiretValide(siret)) return siret;
  }
}

