import { startTestApi, type TestApi } from './support/api-app';

/**
 * Issue 13, "one definition per figure": a marché's compliance is the same on its page, in the marché list,
 * in the coordination's projection and in the yearly report (terms in force at the date, hours capped at the
 * closing, the later ones reported apart in heuresApresCloture); the hours totals count every hour worked.
 */
describe('une seule définition de la conformité pour toutes les vues', () => {
  let api: TestApi;
  let apres = 0;
  const ids: Record<string, string> = {};

  const ecrire = async (res: Promise<{ status: number; body: any }>, attendu = 201) => {
    const { status, body } = await res;
    expect({ status, body }).toMatchObject({ status: attendu });
    apres = Math.max(apres, body.position ?? 0);
    return body as { id: string; position: number };
  };
  const lire = async (chemin: string) => {
    const res = await api.get(`${chemin}${chemin.includes('?') ? '&' : '?'}apres=${apres}`);
    expect({ chemin, status: res.status }).toEqual({ chemin, status: 200 });
    return res.body;
  };
  const marche = async (numero: string, heuresPrevues: number, dateDebut: string, dateFin: string) =>
    (
      await ecrire(
        api.post('/marches', {
          donneurOrdreId: ids.donneurOrdre,
          operationId: ids.operation,
          numero,
          objet: `Prestation ${numero}`,
          secteur: 'services',
          baseJuridique: 'L2112-2',
          heuresPrevues,
          dateDebut,
          dateFin,
        }),
      )
    ).id;

  beforeAll(async () => {
    api = await startTestApi('conformite_une');
    ids.donneurOrdre = (await ecrire(api.post('/donneurs-ordre', { nom: 'Région', type: 'collectivite', region: 'Bourgogne-Franche-Comté' }))).id;
    ids.operation = (await ecrire(api.post('/operations', { donneurOrdreId: ids.donneurOrdre, nom: 'Lycées', commune: 'Dijon' }))).id;
    ids.entreprise = (await ecrire(api.post('/entreprises', { siret: '73282932000074', raisonSociale: 'Propreté 21', type: 'classique' }))).id;
    ids.salarie = (
      await ecrire(
        api.post('/salaries', { nom: 'Martin', prenom: 'Camille', sexe: 'F', dateNaissance: '1990-03-12', commune: 'Dijon', quartierQpv: null, niveauFormation: '3' }),
      )
    ).id;
    await ecrire(api.post(`/salaries/${ids.salarie}/eligibilites`, { criteres: ['deld'], dateValidation: '2022-12-20' }));

    // A: 100 h in March and 100 h in May, then closed on April 15th (dated back: accepted, May reported apart).
    ids.a = await marche('A', 1000, '2025-01-01', '2025-12-31');
    // B: performed in 2023 and closed in January 2024: outside the 2025 report.
    ids.b = await marche('B', 500, '2023-01-01', '2023-12-31');
    // D: an avenant concluded today must not change what an earlier date answered.
    ids.d = await marche('D', 1000, '2025-01-01', '2025-12-31');
    for (const m of [ids.a, ids.b, ids.d]) {
      await ecrire(api.post(`/marches/${m}/attributions`, { entrepriseId: ids.entreprise, role: 'titulaire' }));
      await ecrire(api.put(`/marches/${m}/suivi-regional`, { suivi: true }), 200);
    }
    const placement = (
      await ecrire(
        api.post('/placements', { salarieId: ids.salarie, marcheId: ids.a, entrepriseId: ids.entreprise, modalite: 'embauche_directe', typeContrat: 'cdd', dateDebut: '2025-01-06' }),
      )
    ).id;
    await ecrire(api.post(`/placements/${placement}/heures`, { mois: '2025-03', heures: 100 }));
    await ecrire(api.post(`/placements/${placement}/heures`, { mois: '2025-05', heures: 100 }));
    await ecrire(api.post(`/marches/${ids.a}/cloture`, { date: '2025-04-15' }));
    await ecrire(api.post(`/marches/${ids.b}/cloture`, { date: '2024-01-10' }));
  }, 60_000);
  afterAll(async () => {
    await api?.close();
  });

  const CLOS = { heuresPrevues: 1000, heuresRealisees: 100, heuresApresCloture: 100, statut: 'non_atteint', heuresManquantes: 900, dateFin: '2025-12-31' };

  it('clôturé le 15 avril avec 100 h en mars et 100 h en mai : 100 h réalisées et 100 h après clôture, sur chaque vue', async () => {
    expect(await lire(`/marches/${ids.a}/conformite?date=2025-12-31`)).toMatchObject(CLOS);
    const liste = await lire(`/marches?date=2025-12-31&taillePage=500`);
    expect(liste.items.find((m: any) => m.id === ids.a)).toMatchObject(CLOS);
    const suivis = await lire(`/coordination-regionale/marches?date=2025-12-31&taillePage=500`);
    expect(suivis.items.find((m: any) => m.id === ids.a)).toMatchObject(CLOS);
  });

  it('les heures totales comptent les heures travaillées, après la clôture aussi, et chaque vue de conformité les montre à part', async () => {
    expect(await lire(`/indicateurs?annee=2025&marcheId=${ids.a}`)).toMatchObject({ heuresRealisees: 200 });
    const coordination = await lire(`/coordination-regionale/indicateurs?annee=2025&date=2025-12-31`);
    expect(coordination).toMatchObject({ heuresRealisees: 200, heuresApresCloture: 100 });
    const bilan = await lire(`/bilans/2025`);
    expect(bilan.indicateurs.heuresRealisees).toBe(200);
    expect(bilan.conformite.heuresApresCloture).toBe(100);
  });

  it('le bilan annuel ne juge que les marchés dont la période d’exécution chevauche l’année', async () => {
    const bilan = await lire(`/bilans/2025`);
    expect(bilan.conformite).toMatchObject({ date: '2025-12-31', marches: 2, parStatut: { non_atteint: 1 } });
    expect(Object.values(bilan.conformite.parStatut as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(2);
    const bilan2023 = await lire(`/bilans/2023`);
    expect(bilan2023.conformite.marches).toBe(1);
  });

  it('à une date passée, les termes en vigueur à cette date : un avenant conclu ensuite ne change pas la réponse', async () => {
    const avant = await lire(`/marches/${ids.d}/conformite?date=2025-06-30`);
    const suiviAvant = (await lire(`/coordination-regionale/marches?date=2025-06-30&taillePage=500`)).items.find((m: any) => m.id === ids.d);
    expect(avant).toMatchObject({ heuresPrevues: 1000, dateFin: '2025-12-31' });
    await ecrire(api.post(`/marches/${ids.d}/avenants`, { heuresPrevues: 2000, dateFin: '2026-06-30', motif: 'Tranche optionnelle' }));
    const { fraicheur: _f, ...apresAvenant } = await lire(`/marches/${ids.d}/conformite?date=2025-06-30`);
    const { fraicheur: _g, ...sansFraicheur } = avant;
    expect(apresAvenant).toEqual(sansFraicheur);
    const suiviApres = (await lire(`/coordination-regionale/marches?date=2025-06-30&taillePage=500`)).items.find((m: any) => m.id === ids.d);
    expect(suiviApres).toEqual(suiviAvant);
    // From the day it is concluded on, the avenant's terms apply.
    expect(await lire(`/marches/${ids.d}/conformite`)).toMatchObject({ heuresPrevues: 2000, dateFin: '2026-06-30' });
  });
});
