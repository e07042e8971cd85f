import { heuresDeCalibration, jourDe, metiersParDefaut, salarieDecider, type SalarieEnregistre } from '@suivi/domain';
import { ANNEE, CIBLES, DEFAULT_SEED, genererPlan, resumerPlan, type Plan, type PlannedCommand } from './plan';
import { verifierPlan } from './plan-check';

/** The generator only (no database): reproducibility, the shape of the year, the rules. */
/** The day the specs' commands run (verifierPlan's `now` below): the people's registration day. */
const MAINTENANT = new Date('2026-11-01T00:00:00Z');
const ENREGISTREMENT = jourDe(MAINTENANT);

describe('seed:demo plan', () => {
  const plan = genererPlan(DEFAULT_SEED);
  const resume = resumerPlan(plan, ENREGISTREMENT);

  it('is the same plan for the same seed, ids included, and another one for another seed', () => {
    expect(JSON.stringify(genererPlan(DEFAULT_SEED))).toBe(JSON.stringify(plan));
    const autre = genererPlan(DEFAULT_SEED + 1);
    expect(autre.modele.salaries[0].id).not.toBe(plan.modele.salaries[0].id);
  });

  it('lands on the 2023 figures within tolerance', () => {
    expect(Math.abs(resume.personnesAvecHeures / CIBLES.salaries - 1)).toBeLessThanOrEqual(0.05);
    expect(Math.abs(resume.heures / CIBLES.heures - 1)).toBeLessThanOrEqual(0.05);
    expect(Math.abs(resume.partFemmes - CIBLES.partFemmes)).toBeLessThanOrEqual(0.03);
    expect(Math.abs(resume.partQpvPersonnes - CIBLES.partQpvPersonnes)).toBeLessThanOrEqual(0.03);
    expect(resume.suivis).toBe(CIBLES.suivisRegionaux);
    expect(Math.abs(resume.embauches - CIBLES.embauches)).toBeLessThanOrEqual(10);
    expect(resume.donneursOrdre).toBe(CIBLES.donneursOrdre);
    expect(resume.operations).toBe(CIBLES.operations);
    expect(resume.entreprises).toBe(179);
    expect(resume.entreprisesAccueillantes).toBe(179);
    expect(Math.abs(resume.heuresParSecteur.btp / resume.heures - CIBLES.partBtp)).toBeLessThanOrEqual(0.03);
  });

  it("shows every breakdown of the bilan, on the 2023 report's companies", () => {
    // 179 companies hosting someone: 117 bâtiment, 11 travaux publics, 23 services, 11 EI/AI/ACI, 7 ESAT, 1 EA, 8 ETTI, 1 GEIQ.
    expect(resume.entreprisesParMetier).toEqual({ batiment: 117, travaux_publics: 11, services: 23 });
    expect(resume.entreprisesParTypeAccueillantes).toEqual({ classique: 151, ei: 5, ai: 2, aci: 4, etti: 8, geiq: 1, esat: 7, ea: 1 });
    for (const modalite of ['embauche_directe', 'mise_a_disposition', 'sous_traitance_siae', 'formation']) expect(resume.heuresParModalite[modalite]).toBeGreaterThan(0);
    for (const type of ['classique', 'ei', 'ai', 'aci', 'etti', 'geiq', 'esat', 'ea']) expect(resume.heuresParTypeEmployeur[type]).toBeGreaterThan(0);
    const somme = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
    expect(Math.abs(somme(resume.heuresParModalite) - resume.heures)).toBeLessThan(0.05);
    // Every btp marché says its trade, and no other marché has one.
    expect(plan.modele.marches.every((m) => (m.secteur === 'btp') === (m.sousSecteur !== null))).toBe(true);
  });

  it.each([DEFAULT_SEED, 7])("counts the year's hires as the API's embauches: people hired directly under a CDI, CDD, contrat pro or apprentissage (seed %i)", (seed) => {
    const p = seed === DEFAULT_SEED ? plan : genererPlan(seed);
    // From the commands alone, with the API's definition written out (compterEmbauches): not a CDDI, not a mise à disposition.
    const embauches = commandes(p).filter(
      (c): c is Extract<PlannedCommand, { kind: 'placement' }> =>
        c.kind === 'placement' &&
        c.dto.modalite === 'embauche_directe' &&
        ['cdi', 'cdd', 'contrat_pro', 'apprentissage'].includes(c.dto.typeContrat) &&
        c.dto.dateDebut >= `${ANNEE}-01-01` &&
        c.dto.dateDebut <= `${ANNEE}-12-31`,
    );
    const r = resumerPlan(p, ENREGISTREMENT);
    expect(r.embauches).toBe(new Set(embauches.map((c) => c.dto.salarieId)).size);
    expect(r.placementsEmbauche).toBe(embauches.length);
    expect(r.embauches).toBe(CIBLES.embauches);
  });

  it('sizes marchés with calibrations of the default trades table, registered with their hours and id', () => {
    const calibrations = commandes(plan).filter((c): c is Extract<PlannedCommand, { kind: 'calibration' }> => c.kind === 'calibration');
    const marches = commandes(plan).filter((c): c is Extract<PlannedCommand, { kind: 'marche' }> => c.kind === 'marche');
    expect(calibrations.length).toBeGreaterThanOrEqual(2);
    expect(calibrations.length).toBeLessThanOrEqual(3);
    const calibres = marches.filter((m) => m.dto.calibrationId !== undefined);
    expect(calibres.length).toBeGreaterThanOrEqual(1);
    expect(resume).toMatchObject({ calibrations: calibrations.length, marchesCalibres: calibres.length });
    for (const m of calibres) {
      const c = calibrations.find((x) => x.dto.id === m.dto.calibrationId)!;
      expect(c).toBeDefined();
      const partMainOeuvre = c.dto.partMainOeuvre ?? metiersParDefaut.metiers.get(c.dto.metier!)!.partMainOeuvre;
      const heures = heuresDeCalibration({ montantHT: c.dto.montantHT, partMainOeuvre, tauxInsertion: c.dto.tauxInsertion, coutHoraire: c.dto.coutHoraire ?? metiersParDefaut.coutHoraire });
      expect(m.dto.heuresPrevues).toBe(heures);
    }
    // Calibrations are written before the marchés that name them.
    const phase = (kind: string) => plan.phases.findIndex((ph) => ph.chains.some((chain) => chain.some((c) => c.kind === kind)));
    expect(phase('calibration')).toBeLessThan(phase('marche'));
  });

  it.each([DEFAULT_SEED, 7])('never puts a person over 220 h in a month, at any step (seed %i)', (seed) => {
    const p = seed === DEFAULT_SEED ? plan : genererPlan(seed);
    expect(maxPersonneMois(p)).toBeLessThanOrEqual(220);
  });

  it.each([DEFAULT_SEED, 7])('breaks no domain rule: every command passes the real deciders (seed %i)', (seed) => {
    const p = seed === DEFAULT_SEED ? plan : genererPlan(seed);
    const verification = verifierPlan(p, MAINTENANT);
    expect(verification.refus).toEqual([]);
    expect(verification.commandes).toBe(resumerPlan(p, ENREGISTREMENT).commandes);
  });

  it.each([DEFAULT_SEED, 7])("summarises ages as /indicateurs counts them: the band the decider records on the registration day (seed %i)", (seed) => {
    const p = seed === DEFAULT_SEED ? plan : genererPlan(seed);
    const parts = (maintenant: Date) => {
      const tranches = tranchesEnregistrees(p, maintenant);
      const personnes = personnesAvecHeures(p);
      const compter = (tranche: string) => [...personnes].filter((id) => tranches.get(id) === tranche).length / personnes.size;
      return { personnes: personnes.size, partMoins26: compter('moins_26'), partPlus50: compter('50_plus') };
    };
    const r = resumerPlan(p, ENREGISTREMENT);
    expect({ personnes: r.personnesAvecHeures, partMoins26: r.partMoins26, partPlus50: r.partPlus50 }).toEqual(parts(MAINTENANT));
    // Registered earlier, people are younger: the summary follows the registration day it is given.
    const tot = new Date('2025-01-15T12:00:00Z');
    const avant = resumerPlan(p, jourDe(tot));
    expect({ partMoins26: avant.partMoins26, partPlus50: avant.partPlus50 }).toEqual({ partMoins26: parts(tot).partMoins26, partPlus50: parts(tot).partPlus50 });
    expect(avant.partMoins26).toBeGreaterThan(r.partMoins26);
    expect(avant.partPlus50).toBeLessThan(r.partPlus50);
  });
});

function commandes(plan: Plan): PlannedCommand[] {
  return plan.phases.flatMap((phase) => phase.chains.flat());
}

/** Each person's age band as the real decider records it when the registration command runs at `now`. */
function tranchesEnregistrees(plan: Plan, now: Date): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of commandes(plan)) {
    if (c.kind !== 'salarie') continue;
    const { id, ...champs } = c.dto;
    const [evenement] = salarieDecider.decide({ type: 'EnregistrerSalarie', salarieId: id!, ...champs, now }, salarieDecider.initialState) as SalarieEnregistre[];
    out.set(id!, evenement.data.trancheAge);
  }
  return out;
}

/** The people with hours (> 0, after corrections) in a month of the year, from the commands alone. */
function personnesAvecHeures(plan: Plan): Set<string> {
  const salarieDuPlacement = new Map<string, string>();
  const declarations = new Map<string, { salarieId: string; mois: string; heures: number }>();
  for (const c of commandes(plan)) {
    if (c.kind === 'placement') salarieDuPlacement.set(c.dto.id!, c.dto.salarieId);
    if (c.kind === 'declaration') declarations.set(c.declarationId, { salarieId: salarieDuPlacement.get(c.placementId)!, mois: c.dto.mois, heures: c.dto.heures });
    if (c.kind === 'correction') declarations.get(c.declarationId)!.heures = c.dto.heures;
  }
  return new Set([...declarations.values()].filter((d) => d.heures > 0 && d.mois.startsWith(`${ANNEE}-`)).map((d) => d.salarieId));
}

/**
 * Replays the declarations and corrections of each person in their chain's order, from the
 * commands alone, and answers the highest monthly total ever reached.
 */
function maxPersonneMois(plan: Plan): number {
  const salarieDuPlacement = new Map<string, string>();
  const declarations = new Map<string, { cle: string; heures: number }>();
  const totaux = new Map<string, number>();
  let max = 0;
  for (const chain of plan.phases.flatMap((phase) => phase.chains)) {
    for (const c of chain) {
      if (c.kind === 'placement') salarieDuPlacement.set(c.dto.id!, c.dto.salarieId);
      if (c.kind === 'declaration') {
        const cle = `${salarieDuPlacement.get(c.placementId)}|${c.dto.mois}`;
        declarations.set(c.declarationId, { cle, heures: c.dto.heures });
        totaux.set(cle, (totaux.get(cle) ?? 0) + c.dto.heures);
        max = Math.max(max, totaux.get(cle)!);
      }
      if (c.kind === 'correction') {
        const d = declarations.get(c.declarationId)!;
        totaux.set(d.cle, totaux.get(d.cle)! - d.heures + c.dto.heures);
        d.heures = c.dto.heures;
        max = Math.max(max, totaux.get(d.cle)!);
      }
    }
  }
  return Math.round(max * 100) / 100;
}
