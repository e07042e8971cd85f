import type { Indicateurs, Repartitions, RepartitionsConsolidation } from '@suivi/projections';
import { colonnesDe, COLONNES_CONSOLIDATION } from '../exports/consolidation.colonnes';
import { consolidationEnCsv } from '../exports/consolidation.csv';
import { groupesBilan, groupesConsolidation, groupesIndicateurs, groupesSerie } from './groupes';
import { appliquerSecretStatistique, masquer } from './secret-statistique';

/**
 * The case: a marché whose only worker is a man over 50 living in a QPV, with RQTH and under justice
 * supervision, hired in CDI and gone into a lasting job. Typed as the queries answer, so that a figure added
 * to them must be placed here, and its secrecy decided.
 */
const SEUL: Indicateurs & Repartitions = {
  heuresRealisees: 455,
  etp: 0.28,
  heuresParSecteur: { btp: 455, services: 0, prestations_intellectuelles: 0 },
  salaries: 1,
  femmes: 0,
  partFemmes: 0,
  partFemmesHeures: 0,
  residentsQpv: 1,
  partQpvPersonnes: 1,
  partQpvHeures: 1,
  moins26Ans: 0,
  partMoins26Ans: 0,
  plus50Ans: 1,
  partPlus50Ans: 1,
  niveauxFormation: { infra_3: 1 },
  criteres: { rqth: 1, sous_main_justice: 1 },
  entreprises: 1,
  operations: 1,
  donneursOrdre: 1,
  marches: 1,
  placementsParContrat: { cdi: 1 },
  placementsParModalite: { embauche_directe: 1 },
  embauches: 1,
  placementsEmbauche: 1,
  sorties: 1,
  sortiesPositives: 1,
  sortiesParCategorie: { emploi_durable: 1, emploi_transition: 0, sortie_positive_formation: 0, autre: 0 },
  personnesEnEmploi: 1,
  categoriesPersonnesEnEmploi: ['emploi_durable'],
  placementsTermines: 1,
  placementsSortiePositive: 1,
  placementsTerminesParCategorie: { emploi_durable: 1, emploi_transition: 0, sortie_positive_formation: 0, autre: 0 },
  entreprisesParType: { classique: 1, ei: 0, ai: 0, aci: 0, etti: 0, geiq: 0, esat: 0, ea: 0 },
  entreprisesParMetier: { batiment: 1, travaux_publics: 0, services: 0, non_precise: 0 },
  heuresParModalite: { embauche_directe: 455, mise_a_disposition: 0, sous_traitance_siae: 0, formation: 0 },
  heuresParTypeEmployeur: { classique: 455, ei: 0, ai: 0, aci: 0, etti: 0, geiq: 0, esat: 0, ea: 0 },
  heuresParMois: { '2025-03': 455 },
};

/** Figures that are not counts of people: hours, ETP, entreprises, opérations, donneurs d'ordre, marchés. */
const PAS_DES_PERSONNES = /^(heuresRealisees|etp|heuresParSecteur\..*|entreprises|operations|donneursOrdre|marches|entreprisesPar(Type|Metier)\..*|heuresPar(Modalite|TypeEmployeur|Mois)\..*)$/;

/** Every number of an answer, by path. */
function nombres(v: unknown, chemin = ''): Array<[string, number]> {
  if (typeof v === 'number') return [[chemin, v]];
  if (Array.isArray(v)) return v.flatMap((x, k) => nombres(x, `${chemin}[${k}]`));
  if (v !== null && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => nombres(x, chemin ? `${chemin}.${k}` : k));
  return [];
}

describe('the groups of /indicateurs', () => {
  it('leave nothing of the one worker: every count and share of people is null, every criterion and level too', () => {
    const { corps, masques } = masquer(SEUL, groupesIndicateurs(SEUL), 5);
    expect(nombres(corps).filter(([c]) => !PAS_DES_PERSONNES.test(c))).toEqual([]);
    expect(nombres(corps).map(([c]) => c).filter((c) => PAS_DES_PERSONNES.test(c))).toEqual(nombres(SEUL).map(([c]) => c).filter((c) => PAS_DES_PERSONNES.test(c)));
    expect(corps.heuresRealisees).toBe(455);
    // Every criterion and level answers null: which ones are present would tell who the person is.
    expect(Object.values(corps.criteres).every((n) => n === null)).toBe(true);
    expect(Object.keys(corps.criteres)).toEqual(expect.arrayContaining(['rqth', 'sous_main_justice', 'brsa', 'deld', 'refugie']));
    expect(Object.keys(corps.niveauxFormation)).toEqual(expect.arrayContaining(['infra_3', '3', '8']));
    expect(masques).toEqual(expect.arrayContaining(['salaries', 'femmes', 'partFemmes', 'partFemmesHeures', 'plus50Ans', 'partPlus50Ans', 'residentsQpv', 'partQpvHeures', 'criteres.rqth', 'criteres.sous_main_justice', 'sortiesParCategorie.emploi_durable', 'personnesEnEmploi']));
  });

  it('show every figure of a group of 5 and more, zeros included', () => {
    const cinq = { ...SEUL, salaries: 5, residentsQpv: 5, plus50Ans: 5, niveauxFormation: { infra_3: 5 }, criteres: { rqth: 5, sous_main_justice: 5 }, placementsParContrat: { cdi: 5 }, placementsParModalite: { embauche_directe: 5 }, embauches: 5, placementsEmbauche: 5, sorties: 5, sortiesPositives: 5, sortiesParCategorie: { ...SEUL.sortiesParCategorie, emploi_durable: 5 }, personnesEnEmploi: 5, placementsTermines: 5, placementsSortiePositive: 5, placementsTerminesParCategorie: { ...SEUL.placementsTerminesParCategorie, emploi_durable: 5 } };
    expect(masquer(cinq, groupesIndicateurs(cinq), 5).masques).toEqual([]);
  });

  it('mask the women of a group of 40 with 3 women, and their shares, but neither the men (not answered) nor the total', () => {
    const quarante = { ...SEUL, salaries: 40, femmes: 3, partFemmes: 0.075, partFemmesHeures: 0.06, residentsQpv: 10, plus50Ans: 10, moins26Ans: 10, niveauxFormation: { infra_3: 40 }, criteres: { rqth: 40, brsa: 2 } };
    const { masques } = masquer(quarante, groupesIndicateurs(quarante), 5);
    expect(masques.filter((c) => !/^(placement|embauche|sortie|personnesEnEmploi)/.test(c))).toEqual(['femmes', 'criteres.brsa', 'partFemmes', 'partFemmesHeures']);
  });

  it('mask the year of a series with fewer than 5 people, not the other', () => {
    const serie = { items: [{ annee: 2024, heuresRealisees: 10, salaries: 4, sortiesPositives: 0 }, { annee: 2025, heuresRealisees: 900, salaries: 12, sortiesPositives: 2 }] };
    expect(appliquerSecretStatistique(serie, groupesSerie, 5)).toEqual({
      items: [{ annee: 2024, heuresRealisees: 10, salaries: null, sortiesPositives: 0 }, { annee: 2025, heuresRealisees: 900, salaries: 12, sortiesPositives: null }],
      secretStatistique: { seuil: 5, masques: ['items[0].salaries', 'items[1].sortiesPositives'] },
    });
  });
});

describe('the groups of /bilans', () => {
  it('mask the people of an opération, its complement when only one is small, and the objectives read from masked counts', () => {
    const indicateurs = { ...SEUL, salaries: 20, residentsQpv: 3, partQpvPersonnes: 0.15, plus50Ans: 10, niveauxFormation: { infra_3: 20 }, criteres: { rqth: 20 } };
    const bilan = {
      indicateurs,
      operations: [{ nom: 'A', salaries: 2 }, { nom: 'B', salaries: 18 }, { nom: 'C', salaries: 0 }],
      objectifs: {
        heures: { objectif: 300, realise: 455, atteint: true },
        partQpvPersonnes: { objectif: 0.1, realise: 0.15, atteint: true },
        personnesEnEmploi: { objectif: 1, realise: 1, atteint: true },
      },
    };
    const { corps, masques } = masquer(bilan, groupesBilan(bilan), 5);
    // C (0) is the smallest cell left: masked so that A is not 20 − 18 − 0.
    expect(corps.operations.map((o) => o.salaries)).toEqual([null, 18, null]);
    expect(corps.objectifs.heures).toEqual({ objectif: 300, realise: 455, atteint: true });
    expect(corps.objectifs.partQpvPersonnes).toEqual({ objectif: 0.1, realise: null, atteint: null });
    expect(corps.objectifs.personnesEnEmploi).toEqual({ objectif: 1, realise: null, atteint: null });
    expect(masques).toEqual(expect.arrayContaining(['indicateurs.residentsQpv', 'indicateurs.partQpvPersonnes', 'operations[0].salaries', 'operations[2].salaries', 'objectifs.partQpvPersonnes.realise']));
    expect(masques).not.toContain('indicateurs.salaries');
  });
});

describe('the groups of /exports/consolidation', () => {
  const figures = (f: Partial<Indicateurs>) => ({
    ...SEUL,
    ...f,
    donneursOrdreParType: { collectivite: 1 },
    marchesParBaseJuridique: { 'L2112-2': 1 },
    marchesParSecteur: { btp: 1 },
  } satisfies RepartitionsConsolidation);
  const vue = (f: Partial<Indicateurs>) => ({ annee: 2025, version: 1, colonnes: colonnesDe(figures(f)), fraicheur: { position: 1, retard: 0 } });
  const unite = new Map(COLONNES_CONSOLIDATION.map((c) => [c.code, c.unite]));

  it('mask every column of people or placements of the one worker, and nothing else; the CSV reads <5 there', () => {
    const masquee = appliquerSecretStatistique(vue({}), groupesConsolidation, 5);
    for (const c of masquee.colonnes) {
      const personnes = unite.get(c.colonne) === 'personnes' || unite.get(c.colonne) === 'placements';
      expect({ colonne: c.colonne, masquee: c.valeur === null }).toEqual({ colonne: c.colonne, masquee: personnes });
    }
    const csv = consolidationEnCsv(masquee).split('\r\n');
    expect(csv).toContain('2025;personnes_50_ans_et_plus;Personnes : 50 ans et plus;personnes;<5');
    expect(csv).toContain("2025;heures_insertion;Heures d'insertion réalisées;heures;455");
    expect(consolidationEnCsv({ ...masquee, secretStatistique: { seuil: 3, masques: [] } }).split('\r\n')).toContain('2025;personnes_total;Personnes en parcours;personnes;<3');
  });

  it('mask the men with the women (hommes = total − femmes is a column), and the age band next to a small one', () => {
    const masquee = appliquerSecretStatistique(vue({ salaries: 20, femmes: 4, moins26Ans: 0, plus50Ans: 3, residentsQpv: 10 }), groupesConsolidation, 5);
    const valeur = (code: string) => masquee.colonnes.find((c) => c.colonne === code)?.valeur;
    expect([valeur('personnes_total'), valeur('personnes_femmes'), valeur('personnes_hommes')]).toEqual([20, null, null]);
    expect([valeur('personnes_moins_26_ans'), valeur('personnes_26_49_ans'), valeur('personnes_50_ans_et_plus')]).toEqual([null, 17, null]);
    expect(valeur('personnes_qpv')).toBe(10);
    const k = masquee.colonnes.findIndex((c) => c.colonne === 'personnes_femmes');
    expect(masquee.secretStatistique?.masques).toContain(`colonnes[${k}].valeur`);
  });
});
