import request from 'supertest';
import { validateConfig } from '@suivi/config';
import { createApiApp } from '../apps/api/src/api-app';
import { CATALOGUE_INDICATEURS } from '@suivi/projections';
import { startTestApi, type TestApi, jetonDeTest } from './support/api-app';
import { age, attendreLecture, construireScenario, joursEntre, trancheALEnregistrement, trancheDe, type MarcheL, type Registre } from './support/scenario-indicateurs';
import { CATEGORIES_SORTIE, SORTIES_POSITIVES } from './support/sorties-publiees';

/**
 * The indicators, recomputed independently. A seeded scenario is written through the HTTP
 * API (4 donneurs d'ordre, 6 operations, 10 marchés over 2024-2026, 8 entreprises, 40 people,
 * placements, monthly hours, corrections, amendments, exits, a closing, objectives, a regional
 * follow-up); the expected figures are computed here from the ledger of accepted writes, with
 * plain arithmetic following the published definitions (calculerIndicateurs' doc comment,
 * DEFINITIONS_INDICATEURS, the compliance DEFINITION), and compared with every field the API answers.
 */

// ---------------------------------------------------------------- independent computation

interface Perimetre {
  du?: string;
  au?: string;
  donneurOrdreId?: string;
  operationId?: string;
  marcheId?: string;
  secteur?: string;
}


/** Hires: direct hire (modalité embauche_directe) by an entreprise under one of these contracts. */
const CONTRATS_EMBAUCHE = new Set(['cdi', 'cdd', 'contrat_pro', 'apprentissage']);
/** PERSONNES_EN_EMPLOI_CATEGORIES when unset. */
const EN_EMPLOI_PAR_DEFAUT = ['emploi_durable'];

const compter = (acc: Record<string, number>, cle: string, n = 1) => {
  acc[cle] = (acc[cle] ?? 0) + n;
};

/** Exact figures (parts and ETP unrounded: the comparison allows the API's rounding). */
function indicateursAttendus(r: Registre, p: Perimetre, categoriesEnEmploi: string[] = EN_EMPLOI_PAR_DEFAUT) {
  const marches = new Map(r.marches.map((m) => [m.id, m]));
  const dansPerimetre = (m: MarcheL) =>
    (!p.donneurOrdreId || m.donneurOrdreId === p.donneurOrdreId) &&
    (!p.operationId || m.operationId === p.operationId) &&
    (!p.marcheId || m.id === p.marcheId) &&
    (!p.secteur || m.secteur === p.secteur);
  const du = p.du ?? '0000-01-01';
  const au = p.au ?? '9999-12-31';
  const [moisDu, moisAu] = [du.slice(0, 7), au.slice(0, 7)];

  // Hours: declarations after corrections whose month overlaps the period, on marchés in scope.
  const declarations = r.declarations.filter((d) => d.centiemes > 0 && d.mois >= moisDu && d.mois <= moisAu && dansPerimetre(marches.get(d.marcheId)!));
  const centiemes = declarations.reduce((s, d) => s + d.centiemes, 0);
  const parSecteur: Record<string, number> = { btp: 0, services: 0, prestations_intellectuelles: 0 };
  for (const d of declarations) compter(parSecteur, marches.get(d.marcheId)!.secteur, d.centiemes);

  // People: distinct salariés with hours in the period; their age band is the one of the day they were registered.
  const personnes = new Map<string, { centiemes: number }>();
  for (const d of declarations) {
    const pe = personnes.get(d.salarieId) ?? { centiemes: 0 };
    pe.centiemes += d.centiemes;
    personnes.set(d.salarieId, pe);
  }
  const salaries = new Map(r.salaries.map((s) => [s.id, s]));
  let femmes = 0;
  let centiemesFemmes = 0;
  let qpv = 0;
  let centiemesQpv = 0;
  let moins26 = 0;
  let plus50 = 0;
  const niveaux: Record<string, number> = {};
  const criteres: Record<string, number> = {};
  for (const [id, pe] of personnes) {
    const s = salaries.get(id)!;
    if (s.sexe === 'F') (femmes++, (centiemesFemmes += pe.centiemes));
    if (s.quartierQpv !== null) (qpv++, (centiemesQpv += pe.centiemes));
    const tranche = trancheALEnregistrement(s);
    if (tranche === 'moins_26') moins26++;
    if (tranche === '50_plus') plus50++;
    compter(niveaux, s.niveauFormation);
    const valides = new Set(s.eligibilites.filter((e) => e.dateValidation <= au).flatMap((e) => e.criteres));
    for (const c of valides) compter(criteres, c);
  }

  // Placements started in the period, placements ended in the period.
  const placements = r.placements.filter((pl) => dansPerimetre(marches.get(pl.marcheId)!));
  const parContrat: Record<string, number> = {};
  const parModalite: Record<string, number> = {};
  const embauches: typeof placements = [];
  for (const pl of placements.filter((pl) => pl.dateDebut >= du && pl.dateDebut <= au)) {
    compter(parContrat, pl.typeContrat);
    compter(parModalite, pl.modalite);
    if (pl.modalite === 'embauche_directe' && CONTRATS_EMBAUCHE.has(pl.typeContrat)) embauches.push(pl);
  }
  // Exits: placements ended in the period, then grouped by person (a person counts once per figure).
  const termines = placements.filter((pl) => pl.fin && pl.fin.dateFin >= du && pl.fin.dateFin <= au);
  const placementsParCategorie: Record<string, number> = {};
  for (const pl of termines) compter(placementsParCategorie, CATEGORIES_SORTIE[pl.fin!.sortie]);
  const sortiesDe = new Map<string, string[]>();
  for (const pl of termines) sortiesDe.set(pl.salarieId, [...(sortiesDe.get(pl.salarieId) ?? []), pl.fin!.sortie]);
  const personnesSorties = [...sortiesDe.values()];
  const parCategorie: Record<string, number> = {};
  for (const sorties of personnesSorties) for (const c of new Set(sorties.map((x) => CATEGORIES_SORTIE[x]))) compter(parCategorie, c);

  // Breakdowns. Each employer, and each attributaire hosting someone provided by an ETTI, AI or GEIQ, with its
  // hours of the period by the trade of the marché (btp: its sousSecteur; services and prestations intellectuelles: services).
  const typeDe = new Map(r.entreprises.map((e) => [e.id, e.type]));
  const placementDe = new Map(r.placements.map((pl) => [pl.id, pl]));
  const heuresParMetierDe = new Map<string, Record<string, number>>();
  const heuresParModalite: Record<string, number> = {};
  const heuresParTypeEmployeur: Record<string, number> = {};
  const heuresParMois: Record<string, number> = {};
  for (const d of declarations) {
    const pl = placementDe.get(d.placementId)!;
    const m = marches.get(d.marcheId)!;
    const metier = m.secteur === 'btp' ? (m.sousSecteur ?? 'non_precise') : 'services';
    for (const e of new Set([d.entrepriseId, pl.entrepriseUtilisatriceId ?? d.entrepriseId])) {
      const parMetier = heuresParMetierDe.get(e) ?? {};
      compter(parMetier, metier, d.centiemes);
      heuresParMetierDe.set(e, parMetier);
    }
    compter(heuresParModalite, pl.modalite, d.centiemes);
    compter(heuresParTypeEmployeur, typeDe.get(d.entrepriseId)!, d.centiemes);
    compter(heuresParMois, d.mois, d.centiemes);
  }
  const entreprisesParType: Record<string, number> = {};
  const entreprisesParMetier: Record<string, number> = {};
  const ORDRE_METIERS = ['batiment', 'travaux_publics', 'services', 'non_precise'];
  for (const [e, parMetier] of heuresParMetierDe) {
    compter(entreprisesParType, typeDe.get(e)!);
    if (typeDe.get(e) !== 'classique') continue;
    // The trade with the most hours; on a tie, the first in ORDRE_METIERS.
    const metier = ORDRE_METIERS.filter((x) => x in parMetier).reduce((a, b) => (parMetier[b] > parMetier[a] ? b : a));
    compter(entreprisesParMetier, metier);
  }
  const enHeures = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v / 100]));

  const part = (n: number, total: number) => (total === 0 ? 0 : n / total);
  const distincts = (f: (d: (typeof declarations)[number]) => string) => new Set(declarations.map(f)).size;
  return {
    heuresRealisees: centiemes / 100,
    etp: centiemes / 100 / 1607,
    heuresParSecteur: Object.fromEntries(Object.entries(parSecteur).map(([k, v]) => [k, v / 100])),
    salaries: personnes.size,
    femmes,
    partFemmes: part(femmes, personnes.size),
    partFemmesHeures: part(centiemesFemmes, centiemes),
    residentsQpv: qpv,
    partQpvPersonnes: part(qpv, personnes.size),
    partQpvHeures: part(centiemesQpv, centiemes),
    moins26Ans: moins26,
    partMoins26Ans: part(moins26, personnes.size),
    plus50Ans: plus50,
    partPlus50Ans: part(plus50, personnes.size),
    niveauxFormation: niveaux,
    criteres,
    // Employers, and the attributaires hosting someone provided by an ETTI, AI or GEIQ.
    entreprises: new Set(
      declarations.flatMap((d) => {
        const pl = r.placements.find((x) => x.id === d.placementId)!;
        return pl.entrepriseUtilisatriceId ? [d.entrepriseId, pl.entrepriseUtilisatriceId] : [d.entrepriseId];
      }),
    ).size,
    operations: distincts((d) => marches.get(d.marcheId)!.operationId),
    donneursOrdre: distincts((d) => marches.get(d.marcheId)!.donneurOrdreId),
    marches: distincts((d) => d.marcheId),
    placementsParContrat: parContrat,
    placementsParModalite: parModalite,
    embauches: new Set(embauches.map((pl) => pl.salarieId)).size,
    placementsEmbauche: embauches.length,
    sorties: sortiesDe.size,
    sortiesPositives: personnesSorties.filter((sorties) => sorties.some((x) => SORTIES_POSITIVES.has(x))).length,
    sortiesParCategorie: parCategorie,
    personnesEnEmploi: personnesSorties.filter((sorties) => sorties.some((x) => categoriesEnEmploi.includes(CATEGORIES_SORTIE[x]))).length,
    categoriesPersonnesEnEmploi: categoriesEnEmploi,
    placementsTermines: termines.length,
    placementsSortiePositive: termines.filter((pl) => SORTIES_POSITIVES.has(pl.fin!.sortie)).length,
    placementsTerminesParCategorie: placementsParCategorie,
    entreprisesParType,
    entreprisesParMetier,
    heuresParModalite: enHeures(heuresParModalite),
    heuresParTypeEmployeur: enHeures(heuresParTypeEmployeur),
    heuresParMois: Object.fromEntries(Object.entries(enHeures(heuresParMois)).sort(([a], [b]) => (a < b ? -1 : 1))),
  };
}
type Attendus = ReturnType<typeof indicateursAttendus>;

/**
 * The bilan's opérations: those with a marché in scope whose period (under the terms in force at the year's
 * end, cut short by a closing) overlaps the year or with hours of the year; on those marchés, required hours
 * (under those terms), hours of the year, hours of every month up to the year's end, people with hours of
 * the year.
 */
function operationsAttendues(r: Registre, du: string, au: string) {
  const [moisDu, moisAu] = [du.slice(0, 7), au.slice(0, 7)];
  const declarations = r.declarations.filter((d) => d.centiemes > 0 && d.mois <= moisAu);
  const dansAnnee = (d: (typeof declarations)[number]) => d.mois >= moisDu;
  const fin = (m: MarcheL) => {
    const enVigueur = termesA(m, au).dateFin;
    return m.dateCloture && m.dateCloture < enVigueur ? m.dateCloture : enVigueur;
  };
  const retenus = r.marches.filter((m) => (m.dateDebut <= au && fin(m) >= du) || declarations.some((d) => d.marcheId === m.id && dansAnnee(d)));
  return r.operations
    .map((o) => {
      const ms = retenus.filter((m) => m.operationId === o.id);
      const ds = declarations.filter((d) => ms.some((m) => m.id === d.marcheId));
      return {
        operationId: o.id,
        nom: o.nom,
        commune: o.commune,
        donneurOrdreId: o.donneurOrdreId,
        marches: ms.length,
        heuresPrevues: ms.reduce((s, m) => s + termesA(m, au).heuresPrevuesCentiemes, 0) / 100,
        heuresRealisees: ds.filter(dansAnnee).reduce((s, d) => s + d.centiemes, 0) / 100,
        heuresRealiseesCumulees: ds.reduce((s, d) => s + d.centiemes, 0) / 100,
        salaries: new Set(ds.filter(dansAnnee).map((d) => d.salarieId)).size,
      };
    })
    .filter((o) => o.marches > 0)
    .sort((a, b) => a.operationId.localeCompare(b.operationId));
}

const PARTS = ['partFemmes', 'partFemmesHeures', 'partQpvPersonnes', 'partQpvHeures', 'partMoins26Ans', 'partPlus50Ans'];
const sansZeros = (o: Record<string, number> | undefined) => Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== 0));

/** Every field, exact for counts and hours; parts within their 4-decimal rounding, ETP within 2. */
function ecarts(api: Record<string, any>, attendu: Attendus): string[] {
  const out: string[] = [];
  for (const [champ, valeur] of Object.entries(attendu)) {
    const lu = api[champ];
    if (PARTS.includes(champ)) {
      if (typeof lu !== 'number' || Math.abs(lu - (valeur as number)) > 0.00005 + 1e-12) out.push(`${champ}: API ${lu}, attendu ${valeur}`);
    } else if (champ === 'etp') {
      if (typeof lu !== 'number' || Math.abs(lu - (valeur as number)) > 0.005 + 1e-12) out.push(`${champ}: API ${lu}, attendu ${valeur}`);
    } else if (Array.isArray(valeur)) {
      if (JSON.stringify(lu) !== JSON.stringify(valeur)) out.push(`${champ}: API ${JSON.stringify(lu)}, attendu ${JSON.stringify(valeur)}`);
    } else if (champ === 'heuresParSecteur') {
      if (!egal(lu, valeur as Record<string, number>)) out.push(`${champ}: API ${JSON.stringify(lu)}, attendu ${JSON.stringify(valeur)}`);
    } else if (typeof valeur === 'object') {
      if (!egal(sansZeros(lu), sansZeros(valeur as Record<string, number>))) out.push(`${champ}: API ${JSON.stringify(lu)}, attendu ${JSON.stringify(valeur)}`);
    } else if (lu !== valeur) out.push(`${champ}: API ${lu}, attendu ${valeur}`);
  }
  return out;
}
const egal = (a: Record<string, number>, b: Record<string, number>) => {
  const ka = Object.keys(a ?? {}).sort();
  const kb = Object.keys(b ?? {}).sort();
  return JSON.stringify(ka) === JSON.stringify(kb) && ka.every((k) => a[k] === b[k]);
};

/** The terms in force at `date`: those before the avenant until the day it was concluded. */
function termesA(m: MarcheL, date: string): { heuresPrevuesCentiemes: number; dateFin: string } {
  return m.avantAvenant && date < m.avantAvenant.depuis ? m.avantAvenant : m;
}

/**
 * Compliance per the published DEFINITION, in hundredths: the terms in force at the date, the months up to the
 * date's and, once closed, up to the closing month (the later ones in heuresApresCloture).
 */
function conformiteAttendue(r: Registre, m: MarcheL, date: string, tolerance = 0.1) {
  const moisCloture = m.dateCloture?.slice(0, 7) ?? '9999-12';
  const siennes = r.declarations.filter((d) => d.marcheId === m.id);
  const realisees = siennes.filter((d) => d.mois <= date.slice(0, 7) && d.mois <= moisCloture).reduce((s, d) => s + d.centiemes, 0);
  const apresCloture = m.dateCloture !== null && m.dateCloture <= date ? siennes.filter((d) => d.mois > moisCloture).reduce((s, d) => s + d.centiemes, 0) : 0;
  const { heuresPrevuesCentiemes: prevues, dateFin } = termesA(m, date);
  const duree = joursEntre(m.dateDebut, dateFin) + 1;
  const ecoule = Math.min(Math.max(joursEntre(m.dateDebut, date) + 1, 0), duree);
  const attendues = (prevues * ecoule) / duree;
  const cloture = m.dateCloture !== null && m.dateCloture <= date;
  let statut: string;
  let manquantes: number;
  if (cloture) {
    statut = realisees >= prevues ? 'atteint' : 'non_atteint';
    manquantes = Math.max(0, prevues - realisees);
  } else {
    statut = realisees > attendues * (1 + tolerance) ? 'en_avance' : realisees < attendues * (1 - tolerance) ? 'en_retard' : 'conforme';
    manquantes = Math.max(0, attendues - realisees);
  }
  return {
    heuresPrevues: prevues / 100,
    heuresRealisees: realisees / 100,
    tauxRealisation: realisees / prevues,
    heuresAttendues: attendues / 100,
    statut,
    heuresManquantes: manquantes / 100,
    dateFin,
    heuresApresCloture: apresCloture,
  };
}

function verifierConformite(lu: Record<string, any>, attendu: ReturnType<typeof conformiteAttendue>, libelle: string) {
  expect({ libelle, statut: lu.statut, heuresPrevues: lu.heuresPrevues, heuresRealisees: lu.heuresRealisees }).toEqual({
    libelle,
    statut: attendu.statut,
    heuresPrevues: attendu.heuresPrevues,
    heuresRealisees: attendu.heuresRealisees,
  });
  // Expected hours are a pro rata: the API rounds them to the hundredth of an hour.
  expect(Math.abs(lu.heuresAttendues - attendu.heuresAttendues)).toBeLessThanOrEqual(0.005 + 1e-9);
  expect(Math.abs(lu.heuresManquantes - attendu.heuresManquantes)).toBeLessThanOrEqual(0.005 + 1e-9);
  expect(Math.abs(lu.tauxRealisation - attendu.tauxRealisation)).toBeLessThanOrEqual(0.00005 + 1e-12);
}

// ---------------------------------------------------------------- the tests

describe('indicateurs recalculés indépendamment sur un scénario pseudo-aléatoire', () => {
  let api: TestApi;
  let r: Registre;
  let apres: number;

  beforeAll(async () => {
    api = await startTestApi('indicateurs', { LECTURE_ATTENTE_MS: '200' });
    r = await construireScenario(api);
    apres = r.dernierePosition;
    // The projections may be more than 200 ms behind a burst of writes: wait once, then every read is immediate.
    await attendreLecture(api, '/indicateurs', apres);
    await attendreLecture(api, '/coordination-regionale/marches', apres);
  }, 120_000);
  afterAll(async () => {
    await api?.close();
  });

  const lire = async (query: string) => {
    const res = await api.get(`/indicateurs?${query}${query ? '&' : ''}apres=${apres}`);
    expect({ query, status: res.status }).toEqual({ query, status: 200 });
    expect(res.body.fraicheur).toEqual({ position: expect.any(Number), retard: 0 });
    expect(res.body.fraicheur.position).toBeGreaterThanOrEqual(apres);
    return res.body;
  };
  const verifier = async (query: string, p: Perimetre) => {
    const attendu = indicateursAttendus(r, p);
    expect({ query, ecarts: ecarts(await lire(query), attendu) }).toEqual({ query, ecarts: [] });
    return attendu;
  };

  it('le scénario est écrit, et seuls les refus attendus se produisent', () => {
    const inattendus = r.refus.filter((x) => !x.attendu || x.attendu.status !== x.status || x.attendu.code !== x.code);
    expect(inattendus).toEqual([]);
    expect(r.refus.length).toBeGreaterThanOrEqual(6);
    expect(r.ecrituresAcceptees).toBeGreaterThan(400);
    expect(r.salaries).toHaveLength(40);
    expect(r.marches).toHaveLength(10);
    expect(r.placements.filter((p) => p.modalite === 'mise_a_disposition').length).toBeGreaterThan(0);
    expect(r.declarations.some((d) => d.centiemes === 0)).toBe(true);
    expect(r.placements.some((p) => p.fin && p.fin.dateFin < '2025-01-01')).toBe(true);
    expect(r.placements.some((p) => p.fin && p.fin.dateFin >= '2025-01-01' && p.fin.dateFin <= '2025-12-31')).toBe(true);
    expect(new Set(r.marches.map((m) => m.secteur)).size).toBe(3);
    expect(r.correctionsAcceptees).toBeGreaterThanOrEqual(5);
  });

  it('le scénario met à l’épreuve chaque définition (cas limites présents)', () => {
    const premierMois2025 = new Map<string, string>();
    for (const d of r.declarations) {
      if (d.centiemes > 0 && d.mois.startsWith('2025-') && d.mois < (premierMois2025.get(d.salarieId) ?? '9999')) premierMois2025.set(d.salarieId, d.mois);
    }
    const personnes = r.salaries.filter((s) => premierMois2025.has(s.id));
    // Age at registration, not on the first month worked: people under 26 (under 50) when their 2025 hours start
    // and 26 (50) when registered, who count as 26_49 (50_plus) where the age of their first month would not.
    const auPremierMois = (s: (typeof personnes)[number]) => trancheDe(age(s.dateNaissance, `${premierMois2025.get(s.id)}-01`));
    expect(personnes.some((s) => auPremierMois(s) === 'moins_26' && trancheALEnregistrement(s) === '26_49')).toBe(true);
    expect(personnes.some((s) => auPremierMois(s) === '26_49' && trancheALEnregistrement(s) === '50_plus')).toBe(true);
    // Criteria validated after the end of a period, placements and exits in the partial months of du/au.
    expect(personnes.some((s) => s.eligibilites.some((e) => e.dateValidation > '2025-08-10' && e.dateValidation <= '2025-12-31'))).toBe(true);
    expect(r.placements.some((p) => p.dateDebut >= '2025-03-01' && p.dateDebut < '2025-03-15')).toBe(true);
    expect(r.placements.some((p) => p.fin && p.fin.dateFin > '2025-08-10' && p.fin.dateFin <= '2025-08-31')).toBe(true);
    // A month declared, then corrected to 0: it counts neither hours nor the person.
    expect(r.declarations.some((d) => d.centiemes === 0)).toBe(true);
    // Two persons in one month and a mise à disposition: employers are the ETTI/GEIQ, not the user company.
    expect(r.placements.some((p) => p.entrepriseUtilisatriceId && p.entrepriseUtilisatriceId !== p.entrepriseId)).toBe(true);
    // Exits are counted in people: someone with two exits in 2025, two positive ones, two of one category,
    // someone whose exits are in emploi_transition only (into employment only with that category set).
    const fins2025 = new Map<string, string[]>();
    for (const p of r.placements) if (p.fin?.dateFin.startsWith('2025-')) fins2025.set(p.salarieId, [...(fins2025.get(p.salarieId) ?? []), p.fin.sortie]);
    const fins = [...fins2025.values()];
    expect(fins.some((f) => f.length >= 2)).toBe(true);
    expect(fins.some((f) => f.filter((x) => SORTIES_POSITIVES.has(x)).length >= 2)).toBe(true);
    expect(fins.some((f) => f.length > new Set(f.map((x) => CATEGORIES_SORTIE[x])).size)).toBe(true);
    expect(fins.some((f) => f.some((x) => CATEGORIES_SORTIE[x] === 'emploi_transition') && !f.some((x) => CATEGORIES_SORTIE[x] === 'emploi_durable'))).toBe(true);
    // Hires: a direct hire under a CDDI (by an SIAE) is not one; someone hired twice counts once.
    const embauches2025 = r.placements.filter((p) => p.modalite === 'embauche_directe' && p.dateDebut.startsWith('2025-'));
    expect(embauches2025.some((p) => !CONTRATS_EMBAUCHE.has(p.typeContrat))).toBe(true);
    const embauchees = embauches2025.filter((p) => CONTRATS_EMBAUCHE.has(p.typeContrat)).map((p) => p.salarieId);
    expect(new Set(embauchees).size).toBeLessThan(embauchees.length);
  });

  it('annee=2025 : chaque champ suit les définitions', async () => {
    const attendu = await verifier('annee=2025', { du: '2025-01-01', au: '2025-12-31' });
    // The scenario exercises every part of the definitions.
    expect(attendu.salaries).toBeGreaterThan(20);
    expect(attendu.moins26Ans).toBeGreaterThan(0);
    expect(attendu.plus50Ans).toBeGreaterThan(0);
    expect(attendu.sorties).toBeGreaterThan(0);
    expect(attendu.sortiesPositives).toBeGreaterThan(0);
    expect(attendu.personnesEnEmploi).toBeGreaterThan(0);
    expect(attendu.entreprises).toBeGreaterThan(4);
    // People, not placements: the scenario has people with several exits, hires and CDDI direct hires.
    expect(attendu.sorties).toBeLessThan(attendu.placementsTermines);
    expect(attendu.sortiesPositives).toBeLessThan(attendu.placementsSortiePositive);
    expect(attendu.sortiesParCategorie.emploi_durable).toBeLessThan(attendu.placementsTerminesParCategorie.emploi_durable);
    expect(attendu.embauches).toBeLessThan(attendu.placementsEmbauche);
    expect(attendu.placementsEmbauche).toBeLessThan(attendu.placementsParModalite.embauche_directe);
    // Breakdowns: they add up to their totals, and the scenario exercises them (several kinds and trades,
    // hours by mise à disposition, an ordinary company with hours in two trades: its trade is the one with the most).
    const somme = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
    expect(somme(attendu.entreprisesParType)).toBe(attendu.entreprises);
    expect(somme(attendu.entreprisesParMetier)).toBe(attendu.entreprisesParType.classique);
    expect(Math.round(somme(attendu.heuresParModalite) * 100)).toBe(Math.round(attendu.heuresRealisees * 100));
    expect(Math.round(somme(attendu.heuresParTypeEmployeur) * 100)).toBe(Math.round(attendu.heuresRealisees * 100));
    expect(Math.round(somme(attendu.heuresParMois) * 100)).toBe(Math.round(attendu.heuresRealisees * 100));
    expect(Object.values(attendu.entreprisesParType).filter((n) => n > 0).length).toBeGreaterThanOrEqual(4);
    expect(Object.values(attendu.entreprisesParMetier).filter((n) => n > 0).length).toBeGreaterThanOrEqual(2);
    expect(attendu.heuresParModalite.mise_a_disposition).toBeGreaterThan(0);
    expect(attendu.heuresParTypeEmployeur.etti).toBeGreaterThan(0);
    const metiersDe = new Map<string, Set<string>>();
    for (const d of r.declarations.filter((x) => x.centiemes > 0 && x.mois.startsWith('2025-'))) {
      const m = r.marches.find((x) => x.id === d.marcheId)!;
      const metier = m.secteur === 'btp' ? m.sousSecteur! : 'services';
      metiersDe.set(d.entrepriseId, (metiersDe.get(d.entrepriseId) ?? new Set()).add(metier));
    }
    const classiques = r.entreprises.filter((e) => e.type === 'classique').map((e) => e.id);
    expect(classiques.some((e) => (metiersDe.get(e)?.size ?? 0) >= 2)).toBe(true);
  });

  it('PERSONNES_EN_EMPLOI_CATEGORIES : les catégories comptées en emploi, dans les indicateurs et l’objectif du bilan', async () => {
    const categories = ['emploi_durable', 'emploi_transition'];
    // A second API over the same projections, with the setting.
    const config = validateConfig({ DATABASE_URL: api.db.url, LOG_LEVEL: 'warn', PROJECTORS_IN_PROCESS: 'false', PERSONNES_EN_EMPLOI_CATEGORIES: categories.join(',') });
    const app = await createApiApp({ config, databaseUrl: api.db.url });
    await app.init();
    try {
      const attendu = indicateursAttendus(r, { du: '2025-01-01', au: '2025-12-31' }, categories);
      expect(attendu.personnesEnEmploi).toBeGreaterThan(indicateursAttendus(r, { du: '2025-01-01', au: '2025-12-31' }).personnesEnEmploi);
      const jeton = await jetonDeTest(app, 'facilitatrice');
      const lus = await request(app.getHttpServer()).get(`/api/indicateurs?annee=2025&apres=${apres}`).set('Authorization', `Bearer ${jeton}`);
      expect(lus.status).toBe(200);
      expect(ecarts(lus.body, attendu)).toEqual([]);
      const bilan = await request(app.getHttpServer()).get(`/api/bilans/2025?apres=${apres}`).set('Authorization', `Bearer ${jeton}`);
      expect(bilan.status).toBe(200);
      expect(bilan.body.indicateurs.categoriesPersonnesEnEmploi).toEqual(categories);
      const cible = r.objectifs.get(2025)!.personnesEnEmploi;
      expect(bilan.body.objectifs.personnesEnEmploi).toEqual({ objectif: cible, realise: attendu.personnesEnEmploi, atteint: attendu.personnesEnEmploi >= cible });
    } finally {
      await app.close();
    }
  });

  it('annee=2024 : les heures de fin 2024, les sorties de 2024, les critères validés en 2024 seulement', async () => {
    const attendu = await verifier('annee=2024', { du: '2024-01-01', au: '2024-12-31' });
    expect(attendu.heuresRealisees).toBeGreaterThan(0);
    expect(attendu.sorties).toBeGreaterThan(0);
  });

  it('du=2025-03-15&au=2025-08-10 : les mois qui chevauchent la période, les dates exactes pour placements et sorties', async () => {
    const attendu = await verifier('du=2025-03-15&au=2025-08-10', { du: '2025-03-15', au: '2025-08-10' });
    expect(attendu.heuresRealisees).toBeGreaterThan(0);
  });

  it('sans période, puis chaque filtre de périmètre seul', async () => {
    await verifier('', {});
    for (const d of r.donneursOrdre) await verifier(`donneurOrdreId=${d.id}`, { donneurOrdreId: d.id });
    for (const o of r.operations) await verifier(`operationId=${o.id}`, { operationId: o.id });
    for (const m of r.marches) await verifier(`marcheId=${m.id}`, { marcheId: m.id });
    for (const s of ['btp', 'services', 'prestations_intellectuelles']) await verifier(`secteur=${s}`, { secteur: s });
  });

  it('filtres combinés à une année', async () => {
    const m = r.marches[r.roles.avenantFin];
    await verifier(`annee=2025&secteur=${m.secteur}`, { du: '2025-01-01', au: '2025-12-31', secteur: m.secteur });
    await verifier(`annee=2025&donneurOrdreId=${m.donneurOrdreId}`, { du: '2025-01-01', au: '2025-12-31', donneurOrdreId: m.donneurOrdreId });
    await verifier(`annee=2026&marcheId=${m.id}`, { du: '2026-01-01', au: '2026-12-31', marcheId: m.id });
  });

  it('conformité de chaque marché à mi-période et après la clôture', async () => {
    for (const m of r.marches) {
      const miPeriode = new Date((Date.parse(m.dateDebut) + Date.parse(m.dateFin)) / 2).toISOString().slice(0, 10);
      for (const date of [miPeriode, '2025-10-31', '2026-06-30']) {
        const res = await api.get(`/marches/${m.id}/conformite?date=${date}&apres=${apres}`);
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ marcheId: m.id, date, fraicheur: { retard: 0 } });
        verifierConformite(res.body, conformiteAttendue(r, m, date), `${m.numero} au ${date}`);
      }
    }
    const clos = r.marches[r.roles.cloture];
    expect(conformiteAttendue(r, clos, '2026-06-30').statut).toMatch(/^(atteint|non_atteint)$/);
    expect(conformiteAttendue(r, clos, '2025-06-01').statut).not.toMatch(/^(atteint|non_atteint)$/);
  });

  it('liste des marchés : filtre de statut, tri par taux décroissant, pagination', async () => {
    const date = '2025-10-31';
    const parStatut = new Map<string, Array<{ id: string; taux: number }>>();
    for (const m of r.marches) {
      const c = conformiteAttendue(r, m, date);
      parStatut.set(c.statut, [...(parStatut.get(c.statut) ?? []), { id: m.id, taux: c.tauxRealisation }]);
    }
    const tous = (await api.get(`/marches?date=${date}&taillePage=500&apres=${apres}`).expect(200)).body;
    expect(tous.total).toBe(r.marches.length);
    for (const [statut, marches] of parStatut) {
      const tries = [...marches].sort((a, b) => b.taux - a.taux);
      const res = await api.get(`/marches?date=${date}&statut=${statut}&tri=tauxRealisation&ordre=desc&taillePage=3&page=2&apres=${apres}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ total: marches.length, page: 2, taillePage: 3 });
      const page = tries.slice(3, 6);
      expect(res.body.items).toHaveLength(page.length);
      res.body.items.forEach((item: any, i: number) => {
        expect(item.statut).toBe(statut);
        expect(Math.abs(item.tauxRealisation - page[i].taux)).toBeLessThanOrEqual(0.00005 + 1e-12);
        // Equal rates may come in either order; the item is one of those with its rate.
        expect(tries.filter((t) => Math.abs(t.taux - item.tauxRealisation) <= 0.00005).map((t) => t.id)).toContain(item.id);
      });
      const premiere = (await api.get(`/marches?date=${date}&statut=${statut}&tri=tauxRealisation&ordre=desc&taillePage=3&page=1&apres=${apres}`).expect(200)).body;
      const lus = [...premiere.items, ...res.body.items].map((i: any) => i.tauxRealisation);
      expect(lus).toEqual([...lus].sort((a, b) => b - a));
    }
    expect(Math.max(...[...parStatut.values()].map((v) => v.length))).toBeGreaterThan(3);
  });

  it('coordination régionale : exactement les marchés suivis, et ses totaux', async () => {
    const date = '2025-12-31';
    const suivis = r.marches.filter((m) => m.suivi);
    expect(suivis.map((m) => m.index).sort()).toEqual([...r.roles.suivis].sort());
    const liste = await api.get(`/coordination-regionale/marches?date=${date}&apres=${apres}`);
    expect(liste.status).toBe(200);
    expect(liste.body.fraicheur.retard).toBe(0);
    expect(liste.body.items.map((i: any) => i.id).sort()).toEqual(suivis.map((m) => m.id).sort());
    expect(liste.body.total).toBe(suivis.length);
    for (const item of liste.body.items) {
      const m = suivis.find((s) => s.id === item.id)!;
      const nom = r.donneursOrdre.find((d) => d.id === m.donneurOrdreId)!.nom;
      expect(item).toMatchObject({ numero: m.numero, secteur: m.secteur, donneurOrdreId: m.donneurOrdreId, donneurOrdreNom: nom, dateDebut: m.dateDebut, dateFin: m.dateFin, dateCloture: m.dateCloture });
      verifierConformite(item, conformiteAttendue(r, m, date), `suivi ${m.numero}`);
    }
    // No longer followed: absent from the coordination's view, still counted in the indicators.
    const plusSuivi = r.marches[r.roles.plusSuivi];
    expect(liste.body.items.map((i: any) => i.id)).not.toContain(plusSuivi.id);
    const sesHeures = await verifier(`annee=2025&marcheId=${plusSuivi.id}`, { du: '2025-01-01', au: '2025-12-31', marcheId: plusSuivi.id });
    expect(sesHeures.heuresRealisees).toBeGreaterThan(0);

    const res = await api.get(`/coordination-regionale/indicateurs?annee=2025&date=${date}&apres=${apres}`);
    expect(res.status).toBe(200);
    const ids = new Set(suivis.map((m) => m.id));
    const heures = r.declarations.filter((d) => ids.has(d.marcheId) && d.mois.startsWith('2025-'));
    const parSecteur: Record<string, number> = { btp: 0, services: 0, prestations_intellectuelles: 0 };
    for (const d of heures) compter(parSecteur, suivis.find((m) => m.id === d.marcheId)!.secteur, d.centiemes);
    const parStatut: Record<string, number> = {};
    for (const m of suivis) compter(parStatut, conformiteAttendue(r, m, date).statut);
    const centiemes = heures.reduce((s, d) => s + d.centiemes, 0);
    expect(res.body).toMatchObject({
      marchesSuivis: suivis.length,
      donneursOrdre: new Set(suivis.map((m) => m.donneurOrdreId)).size,
      heuresPrevues: suivis.reduce((s, m) => s + termesA(m, date).heuresPrevuesCentiemes, 0) / 100,
      heuresApresCloture: suivis.reduce((s, m) => s + conformiteAttendue(r, m, date).heuresApresCloture, 0) / 100,
      heuresRealisees: centiemes / 100,
      heuresParSecteur: Object.fromEntries(Object.entries(parSecteur).map(([k, v]) => [k, v / 100])),
      marchesParStatut: parStatut,
      fraicheur: { retard: 0 },
    });
    expect(Math.abs(res.body.etp - centiemes / 100 / 1607)).toBeLessThanOrEqual(0.005 + 1e-9);
  });

  it('bilan 2025 : indicateurs, objectifs atteints ou non, conformité ; le même en CSV', async () => {
    const attendu = indicateursAttendus(r, { du: '2025-01-01', au: '2025-12-31' });
    const res = await api.get(`/bilans/2025?apres=${apres}`);
    expect(res.status).toBe(200);
    expect(ecarts(res.body.indicateurs, attendu)).toEqual([]);
    const cibles = r.objectifs.get(2025)!;
    const objectifs = {
      heures: { objectif: cibles.heures, atteint: attendu.heuresRealisees >= cibles.heures },
      partQpvPersonnes: { objectif: cibles.partQpvPersonnes, atteint: attendu.partQpvPersonnes >= cibles.partQpvPersonnes },
      personnesEnEmploi: { objectif: cibles.personnesEnEmploi, atteint: attendu.personnesEnEmploi >= cibles.personnesEnEmploi },
    };
    expect(res.body.objectifs).toMatchObject(objectifs);
    expect(res.body.objectifs.heures.realise).toBe(attendu.heuresRealisees);
    expect(res.body.objectifs.personnesEnEmploi.realise).toBe(attendu.personnesEnEmploi);
    expect(Object.values(objectifs).map((o) => o.atteint)).toEqual(expect.arrayContaining([true, false]));
    const date = '2025-12-31';
    const parStatut: Record<string, number> = {};
    // The marchés whose performance period (terms at the date, ended early by a closing) overlaps 2025.
    const retenus = r.marches.filter((m) => {
      const dateFin = termesA(m, date).dateFin;
      const fin = m.dateCloture !== null && m.dateCloture < dateFin ? m.dateCloture : dateFin;
      return m.dateDebut <= date && fin >= '2025-01-01';
    });
    for (const m of retenus) compter(parStatut, conformiteAttendue(r, m, date).statut);
    const heuresApresCloture = retenus.reduce((s, m) => s + conformiteAttendue(r, m, date).heuresApresCloture, 0) / 100;
    expect(res.body.conformite).toEqual({ date, marches: retenus.length, parStatut, heuresApresCloture });
    const operations = operationsAttendues(r, '2025-01-01', '2025-12-31');
    expect(operations.length).toBeGreaterThan(3);
    expect(operations.some((o) => o.heuresRealiseesCumulees > o.heuresRealisees)).toBe(true);
    expect([...res.body.operations].sort((a: any, b: any) => a.operationId.localeCompare(b.operationId))).toEqual(operations);
    const noms = res.body.operations.map((o: any) => o.nom);
    expect(noms).toEqual([...noms].sort());

    const csv = await api.get(`/bilans/2025?apres=${apres}`).set('Accept', 'text/csv').buffer(true).parse((response, callback) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => callback(null, text));
    });
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const texte: string = csv.body;
    expect(texte.charCodeAt(0)).toBe(0xfeff);
    // The first table (up to the blank line): label;value, by sections (a section's title has an empty value).
    const lignes = texte.slice(1).split('\r\n\r\n')[0].split('\r\n').filter((l) => l !== '').map((l) => l.split(';'));
    expect(lignes[0]).toEqual(['Indicateur', 'Valeur']);
    const valeur = (rubrique: string, indicateur: string) => {
      const debut = lignes.findIndex((l) => l[0] === rubrique && l[1] === '');
      const fin = lignes.findIndex((l, k) => k > debut && l[1] === '');
      const ligne = debut < 0 ? undefined : lignes.slice(debut + 1, fin < 0 ? undefined : fin).find((l) => l[0] === indicateur);
      expect({ rubrique, indicateur, trouvee: !!ligne }).toEqual({ rubrique, indicateur, trouvee: true });
      return ligne![1];
    };
    const nombre = (s: string) => {
      expect(s).not.toContain('.');
      return Number(s.replace(',', '.'));
    };
    const pourcentage = (p: number) => `${(Math.round(p * 1000) / 10).toFixed(1).replace('.', ',')} %`;
    const i = res.body.indicateurs;
    expect(valeur('Bilan', 'Année')).toBe('2025');
    expect(nombre(valeur("Indicateurs de l'année", 'Heures réalisées'))).toBe(i.heuresRealisees);
    expect(nombre(valeur("Indicateurs de l'année", 'Équivalents temps plein (ETP)'))).toBe(i.etp);
    expect(nombre(valeur('Heures par secteur', 'Bâtiment et travaux publics (BTP)'))).toBe(i.heuresParSecteur.btp);
    expect(nombre(valeur('Publics', 'Salariés (personnes)'))).toBe(i.salaries);
    expect(valeur('Publics', 'Part des résidents QPV (personnes)')).toBe(pourcentage(i.partQpvPersonnes));
    expect(valeur('Publics', 'Part des femmes (heures)')).toBe(pourcentage(i.partFemmesHeures));
    expect(nombre(valeur('Contrats et sorties', 'Personnes en emploi'))).toBe(attendu.personnesEnEmploi);
    expect(valeur('Contrats et sorties', 'Sorties comptées comme personnes en emploi')).toBe('Emploi durable');
    expect(nombre(valeur('Contrats et sorties', 'Sorties (personnes)'))).toBe(attendu.sorties);
    expect(nombre(valeur('Contrats et sorties', 'Sorties positives (personnes)'))).toBe(attendu.sortiesPositives);
    expect(nombre(valeur('Contrats et sorties', 'Embauches (personnes)'))).toBe(attendu.embauches);
    expect(nombre(valeur('Contrats et sorties', 'Placements terminés'))).toBe(attendu.placementsTermines);
    expect(nombre(valeur('Contrats et sorties', 'Placements terminés en sortie positive'))).toBe(attendu.placementsSortiePositive);
    expect(nombre(valeur('Contrats et sorties', 'Placements en embauche'))).toBe(attendu.placementsEmbauche);
    expect(nombre(valeur('Sorties par catégorie (personnes)', 'Emploi durable'))).toBe(attendu.sortiesParCategorie.emploi_durable);
    expect(nombre(valeur('Placements terminés par catégorie', 'Emploi durable'))).toBe(attendu.placementsTerminesParCategorie.emploi_durable);
    expect(nombre(valeur('Entreprises par type', 'Entreprise classique'))).toBe(attendu.entreprisesParType.classique);
    expect(nombre(valeur('Entreprises par type', "Entreprise de travail temporaire d'insertion (ETTI)"))).toBe(attendu.entreprisesParType.etti ?? 0);
    for (const [metier, mot] of [['batiment', 'Bâtiment'], ['travaux_publics', 'Travaux publics'], ['services', 'Services']]) {
      expect(nombre(valeur('Entreprises classiques par métier', mot))).toBe(attendu.entreprisesParMetier[metier] ?? 0);
    }
    expect(nombre(valeur('Heures par modalité', 'Mise à disposition'))).toBe(attendu.heuresParModalite.mise_a_disposition);
    expect(nombre(valeur("Heures par type d'employeur", 'Entreprise classique'))).toBe(attendu.heuresParTypeEmployeur.classique);
    // The opérations: the third table, one line each (nom, commune, marchés, heures prévues, réalisées, cumulées, salariés).
    const tableOperations = texte.slice(1).split('\r\n\r\n')[2].split('\r\n').filter((l) => l !== '').map((l) => l.split(';'));
    for (const o of operations) {
      const ligne = tableOperations.find((l) => l[0] === o.nom && l[1] === o.commune);
      expect(ligne && [nombre(ligne[3]), nombre(ligne[4]), nombre(ligne[6])]).toEqual([o.heuresPrevues, o.heuresRealisees, o.salaries]);
    }
    expect(nombre(valeur('Objectifs du financeur', "Heures d'insertion : objectif"))).toBe(cibles.heures);
    expect(valeur('Objectifs du financeur', "Heures d'insertion : objectif atteint")).toBe(objectifs.heures.atteint ? 'Oui' : 'Non');
    expect(valeur('Objectifs du financeur', 'Part des résidents QPV (personnes) : objectif atteint')).toBe(objectifs.partQpvPersonnes.atteint ? 'Oui' : 'Non');
    expect(nombre(valeur('Conformité des marchés', 'Marchés évalués'))).toBe(retenus.length);
    // Every decimal figure is written with a comma.
    expect(texte).toMatch(/;\d+,\d+\r\n/);
  });

  const CHAMPS_SERIE = ['heuresRealisees', 'etp', 'salaries', 'entreprises', 'operations', 'donneursOrdre', 'sortiesPositives'];

  it('série annuelle : chaque année égale /indicateurs?annee=, filtres compris, années vides à zéro', async () => {
    for (const filtre of ['', `&secteur=btp`, `&donneurOrdreId=${r.marches[0].donneurOrdreId}`, `&operationId=${r.marches[1].operationId}`]) {
      const res = await api.get(`/indicateurs/series?de=2023&a=2027${filtre}&apres=${apres}`);
      expect({ filtre, status: res.status }).toEqual({ filtre, status: 200 });
      expect(res.body.fraicheur).toEqual({ position: expect.any(Number), retard: 0 });
      expect(res.body.items.map((i: any) => i.annee)).toEqual([2023, 2024, 2025, 2026, 2027]);
      for (const item of res.body.items) {
        expect(Object.keys(item).sort()).toEqual(['annee', ...CHAMPS_SERIE].sort());
        const annuel = await lire(`annee=${item.annee}${filtre}`);
        expect({ filtre, annee: item.annee, ...item }).toEqual({ filtre, annee: item.annee, ...Object.fromEntries(CHAMPS_SERIE.map((c) => [c, annuel[c]])) });
      }
      expect(res.body.items[0]).toEqual({ annee: 2023, ...Object.fromEntries(CHAMPS_SERIE.map((c) => [c, 0])) });
    }
    // And independently: 2025 as the definitions compute it.
    const res = await api.get(`/indicateurs/series?de=2025&a=2025&apres=${apres}`);
    const attendu = indicateursAttendus(r, { du: '2025-01-01', au: '2025-12-31' });
    const [item] = res.body.items;
    expect(item).toMatchObject({ annee: 2025, heuresRealisees: attendu.heuresRealisees, salaries: attendu.salaries, entreprises: attendu.entreprises, operations: attendu.operations, donneursOrdre: attendu.donneursOrdre, sortiesPositives: attendu.sortiesPositives });
    expect(item.sortiesPositives).toBeGreaterThan(0);
    expect(Math.abs(item.etp - attendu.etp)).toBeLessThanOrEqual(0.005 + 1e-9);
  });

  it('série annuelle : bornes (2000 à 2100, de ≤ a, au plus 50 ans) en 400 avec un message en français', async () => {
    const chemins = ['de=1999&a=2025', 'de=2025&a=2101', 'de=2026&a=2025', 'de=2000&a=2050', 'de=2025', 'a=2025', 'de=abc&a=2025', 'de=2025.5&a=2026', 'de=2025&a=2026&secteur=x'].map(
      (q) => `/indicateurs/series?${q}`,
    );
    await erreurs400(chemins);
    expect((await api.get('/indicateurs/series?de=2026&a=2025')).body).toMatchObject({ code: 'PERIODE_INVALIDE', message: expect.stringContaining("L'année de début") });
    expect((await api.get('/indicateurs/series?de=2000&a=2050')).body).toMatchObject({ code: 'PERIODE_INVALIDE', message: expect.stringContaining('au plus 50 années') });
    expect((await api.get('/indicateurs/series?de=1999&a=2025')).body.code).toBe('REQUETE_INVALIDE');
    expect((await api.get('/indicateurs/series?de=1999&a=2025')).body.details).toEqual([expect.objectContaining({ champ: 'de' })]);
    const cinquante = await api.get('/indicateurs/series?de=2000&a=2049');
    expect(cinquante.status).toBe(200);
    expect(cinquante.body.items).toHaveLength(50);
    expect((await api.get('/indicateurs/series?de=2100&a=2100')).status).toBe(200);
  });

  it('HEURES_PAR_ETP : le diviseur des ETP, dans /indicateurs, la série, la coordination et le bilan', async () => {
    const config = validateConfig({ DATABASE_URL: api.db.url, LOG_LEVEL: 'warn', PROJECTORS_IN_PROCESS: 'false', HEURES_PAR_ETP: '1600' });
    const app = await createApiApp({ config, databaseUrl: api.db.url });
    await app.init();
    try {
      const etp = (heures: number, diviseur: number) => Math.round((heures / diviseur) * 100) / 100;
      const attendu = indicateursAttendus(r, { du: '2025-01-01', au: '2025-12-31' });
      const jeton = await jetonDeTest(app, 'facilitatrice');
      const get = (chemin: string) => request(app.getHttpServer()).get(`/api${chemin}`).set('Authorization', `Bearer ${jeton}`);
      const lus = await get(`/indicateurs?annee=2025&apres=${apres}`);
      expect(lus.status).toBe(200);
      expect(lus.body.heuresRealisees).toBe(attendu.heuresRealisees);
      expect(lus.body.etp).toBe(etp(attendu.heuresRealisees, 1600));
      expect(lus.body.etp).not.toBe(etp(attendu.heuresRealisees, 1607));
      expect((await api.get(`/indicateurs?annee=2025&apres=${apres}`)).body.etp).toBe(etp(attendu.heuresRealisees, 1607));
      const bilan = await get(`/bilans/2025?apres=${apres}`);
      expect(bilan.status).toBe(200);
      expect(bilan.body.heuresParEtp).toBe(1600);
      expect(bilan.body.indicateurs.etp).toBe(etp(attendu.heuresRealisees, 1600));
      expect((await api.get(`/bilans/2025?apres=${apres}`)).body.heuresParEtp).toBe(1607);
      const serie = await get(`/indicateurs/series?de=2024&a=2025&apres=${apres}`);
      expect(serie.body.items.map((i: any) => i.etp)).toEqual(serie.body.items.map((i: any) => etp(i.heuresRealisees, 1600)));
      const coordination = await get(`/coordination-regionale/indicateurs?annee=2025&date=2025-12-31&apres=${apres}`);
      expect(coordination.status).toBe(200);
      expect(coordination.body.etp).toBe(etp(coordination.body.heuresRealisees, 1600));
    } finally {
      await app.close();
    }
  });

  it('docs/indicateurs.md définit chaque champ de /indicateurs, du bilan et de la série', async () => {
    const rubrique = (titre: string) => new Set(CATALOGUE_INDICATEURS.find((x) => x.titre === titre)!.definitions.map((d) => d.champ));
    const indicateurs = rubrique('Indicateurs');
    const communs = rubrique('Champs communs');
    const bilanDefs = rubrique('Bilan annuel');
    const serieDefs = rubrique('Série annuelle');
    const nonDefinis = (champs: string[], ...definis: Set<string>[]) => champs.filter((c) => !definis.some((d) => d.has(c)));
    const lus = await lire('annee=2025');
    expect(nonDefinis(Object.keys(lus), indicateurs, communs)).toEqual([]);
    const bilan = (await api.get(`/bilans/2025?apres=${apres}`)).body;
    expect(nonDefinis(Object.keys(bilan), bilanDefs, communs)).toEqual([]);
    expect(nonDefinis(Object.keys(bilan.indicateurs), indicateurs)).toEqual([]);
    expect(bilan.operations.length).toBeGreaterThan(0);
    expect(nonDefinis(Object.keys(bilan.operations[0]).map((c) => `operations[].${c}`), bilanDefs)).toEqual([]);
    expect(nonDefinis(Object.keys(bilan.objectifs).map((c) => `objectifs.${c}`), bilanDefs)).toEqual([]);
    expect(nonDefinis(Object.keys(bilan.objectifs.heures).map((c) => `objectifs.*.${c}`), bilanDefs)).toEqual([]);
    expect(nonDefinis(Object.keys(bilan.conformite).map((c) => `conformite.${c}`), bilanDefs)).toEqual([]);
    if (Array.isArray(bilan.marches) && bilan.marches.length > 0) {
      expect(nonDefinis(Object.keys(bilan.marches[0]).map((c) => `marches[].${c}`), bilanDefs)).toEqual([]);
    }
    const serie = (await api.get(`/indicateurs/series?de=2025&a=2025&apres=${apres}`)).body;
    expect(nonDefinis(Object.keys(serie), serieDefs, communs)).toEqual([]);
    expect(nonDefinis(Object.keys(serie.items[0]).map((c) => `items[].${c}`), serieDefs)).toEqual([]);
  });

  it('?apres= au-delà du journal : 400 POSITION_INCONNUE', async () => {
    for (const chemin of ['/indicateurs?annee=2025&', '/coordination-regionale/indicateurs?annee=2025&', `/marches/${r.marches[0].id}/conformite?`, '/bilans/2025?']) {
      const res = await api.get(`${chemin}apres=${apres + 1_000_000}`);
      expect({ chemin, status: res.status, code: res.body.code }).toEqual({ chemin, status: 400, code: 'POSITION_INCONNUE' });
      expect(res.body.message.length).toBeGreaterThan(10);
    }
  });

  const erreurs400 = async (chemins: string[]) => {
    const lues = [];
    for (const chemin of chemins) {
      const res = await api.get(chemin);
      lues.push({ chemin, status: res.status, code: typeof res.body.code === 'string' && res.body.code.length > 0, message: (res.body.message?.length ?? 0) > 10 });
    }
    expect(lues).toEqual(chemins.map((chemin) => ({ chemin, status: 400, code: true, message: true })));
  };

  it('une requête mal formée : 400 avec un code', async () => {
    await erreurs400(
      ['annee=abc', 'annee=1999', 'du=15/03/2025', 'au=2025-3-1', 'secteur=x', 'marcheId=42', 'donneurOrdreId=abc', 'apres=-1', 'apres=abc', 'du=2025-06-01&au=2025-01-01'].map(
        (q) => `/indicateurs?${q}`,
      ),
    );
    await erreurs400([`/marches/${r.marches[0].id}/conformite?date=31-12-2025`, '/marches?statut=x', '/marches?taillePage=0', '/coordination-regionale/indicateurs?annee=abc', '/bilans/abc']);
    expect((await api.get('/indicateurs?annee=abc')).body.code).toBe('REQUETE_INVALIDE');
    expect((await api.get('/indicateurs?secteur=x')).body.details).toEqual([expect.objectContaining({ champ: 'secteur' })]);
    expect((await api.get('/indicateurs?du=2025-06-01&au=2025-01-01')).body.code).toBe('PERIODE_INVALIDE');
  });

  it('une date au bon format mais impossible (2025-13-45, 2025-02-30) : 400, pas des chiffres vides', async () => {
    await erreurs400([
      '/indicateurs?du=2025-13-45',
      '/indicateurs?au=2025-02-30',
      '/indicateurs?du=2025-01-01&au=2025-12-32',
      `/marches/${r.marches[0].id}/conformite?date=2025-13-45`,
      '/marches?date=2025-02-30',
      '/coordination-regionale/indicateurs?du=2025-13-45',
      '/bilans/2025?au=2025-00-10',
    ]);
  });
});
