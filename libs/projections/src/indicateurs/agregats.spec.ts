import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { PostgresEventStore } from '@suivi/event-store';
import { CATEGORIES_SORTIE, MODALITES, SECTEURS, TRANCHES_AGE, TYPES_CONTRAT, TYPES_ENTREPRISE, versionDuSchema } from '@suivi/domain';
import { createMigratedTestDatabase } from '../../../../test/support/test-database';
import { rebuildProjection } from '../runtime/rebuild';
import { AgregatsIndicateurs1764600000003 } from './agregats.migration';
import { perimetreAgrege, TABLES_AGREGATS } from './agregats';
import {
  calculerIndicateurs,
  entreprisesDuPerimetre,
  heuresDuPerimetre,
  marchesDuPerimetre,
  personnesDuPerimetre,
  totauxDuPerimetre,
  type Perimetre,
  type RequeteSql,
} from './indicateurs.queries';
import { IndicateursProjection } from './indicateurs.projection';
import { calculerRepartitions, operationsDuBilan } from './repartitions.queries';
import { calculerRepartitionsConsolidation } from './consolidation.queries';
import { mulberry32 } from '../../../../test/support/scenario-indicateurs';

/**
 * The aggregates (agregats.ts) answer exactly what the declarations answer: on a random log (several years, donneurs
 * d'ordre big and tiny, people on several marchés, mises à disposition in the same or another entreprise, corrections
 * up, down and to 0, exits), every figure of a scope the aggregates serve equals the one read from the declarations
 * (`agregats: false`), and the migration adds up from the declarations the very rows the projection kept.
 * AGREGATS_SEED replays a log.
 */
const SEED = Number(process.env.AGREGATS_SEED ?? Date.now() % 1_000_000);

const aleatoire = mulberry32;

describe(`aggregates of the indicators: the same figures as the declarations (AGREGATS_SEED=${SEED})`, () => {
  let db: Awaited<ReturnType<typeof createMigratedTestDatabase>>;
  let store: PostgresEventStore;
  let dataSource: DataSource;
  const hasard = aleatoire(SEED);
  const un = <T>(valeurs: readonly T[]): T => valeurs[Math.floor(hasard() * valeurs.length)];
  const entre = (min: number, max: number) => min + Math.floor(hasard() * (max - min + 1));
  const mois = (annee: number, m: number) => `${annee}-${String(m).padStart(2, '0')}`;
  const jour = (annee: number) => `${mois(annee, entre(1, 12))}-${String(entre(1, 28)).padStart(2, '0')}`;
  const ANNEES = [2023, 2024, 2025];
  const donneurs = Array.from({ length: 4 }, () => randomUUID());

  let n = 0;
  const events: Array<{ streamId: string; type: string; data: Record<string, unknown> }> = [];
  const evenement = (streamId: string, type: string, data: Record<string, unknown>) => events.push({ streamId, type, data });

  beforeAll(async () => {
    db = await createMigratedTestDatabase('agregats');
    store = new PostgresEventStore({ connectionString: db.url });
    dataSource = await new DataSource({ type: 'postgres', url: db.url }).initialize();

    // Given the referential: the last donneur d'ordre is tiny (a small group), one opération per marché or shared.
    const marches: Array<{ id: string; donneur: string }> = [];
    for (const [i, donneur] of donneurs.entries()) {
      evenement(`donneurordre-${donneur}`, 'DonneurOrdreEnregistre', { donneurOrdreId: donneur, nom: `D${i}`, type: un(['collectivite', 'etat', 'bailleur']), region: 'BFC' });
      const operations = Array.from({ length: i === 3 ? 1 : 3 }, () => randomUUID());
      for (const operation of operations) {
        evenement(`operation-${operation}`, 'OperationOuverte', { operationId: operation, donneurOrdreId: donneur, nom: `O${n++}`, commune: 'Dijon' });
      }
      for (let k = 0; k < (i === 3 ? 1 : 5); k++) {
        const id = randomUUID();
        const secteur = un(SECTEURS);
        evenement(`marche-${id}`, 'MarcheEnregistre', {
          marcheId: id, donneurOrdreId: donneur, operationId: un(operations), numero: `M${n++}`, objet: 'Travaux', secteur,
          sousSecteur: secteur === 'btp' ? un(['batiment', 'travaux_publics', undefined]) : undefined, baseJuridique: 'L2112-2',
          heuresPrevues: entre(100, 5000), dateDebut: '2023-01-01', dateFin: '2025-12-31',
        });
        marches.push({ id, donneur });
      }
    }
    const entreprises = Array.from({ length: 10 }, () => randomUUID());
    for (const e of entreprises) {
      evenement(`entreprise-${e}`, 'EntrepriseEnregistree', { entrepriseId: e, siret: `${n++}`.padStart(14, '0'), raisonSociale: 'E', type: un(TYPES_ENTREPRISE) });
    }
    // People, their eligibilities and placements (a few in tiny numbers on the tiny donneur d'ordre).
    const placements: Array<{ id: string; salarie: string; marche: string }> = [];
    for (let s = 0; s < 45; s++) {
      const salarie = randomUUID();
      evenement(`salarie-${salarie}`, 'SalarieEnregistre', {
        salarieId: salarie, nom: null, prenom: null, dateNaissance: null, adresse: null, sexe: un(['F', 'M']), trancheAge: un(TRANCHES_AGE),
        commune: 'Dijon', quartierQpv: un([null, 'Grésilles']), niveauFormation: un(['3', '4', '5']),
      });
      for (let k = entre(0, 2); k > 0; k--) {
        evenement(`salarie-${salarie}`, 'EligibiliteValidee', {
          salarieId: salarie, criteres: [un(['deld', 'rsa', 'qpv_sans_emploi']), un(['th', 'jeune_peu_qualifie'])], dateValidation: jour(un(ANNEES)), precision: null, validePar: 'f',
        });
      }
      for (let k = entre(1, 3); k > 0; k--) {
        const marche = hasard() < 0.1 ? marches[marches.length - 1] : un(marches);
        const modalite = un(MODALITES);
        const employeur = un(entreprises);
        const id = randomUUID();
        evenement(`salarie-${salarie}`, 'PlacementDemarre', {
          salarieId: salarie, placementId: id, marcheId: marche.id, entrepriseId: employeur,
          entrepriseUtilisatriceId: modalite === 'mise_a_disposition' ? (hasard() < 0.2 ? employeur : un(entreprises)) : null,
          modalite, typeContrat: un(TYPES_CONTRAT), dateDebut: jour(un(ANNEES)),
        });
        placements.push({ id, salarie, marche: marche.id });
      }
    }
    // Hours over three years, corrections (some to 0, some back up), exits.
    const declarations: Array<{ id: string; p: (typeof placements)[number]; mois: string; heures: number }> = [];
    for (let k = 0; k < 420; k++) {
      const p = un(placements);
      const d = { id: randomUUID(), p, mois: mois(un(ANNEES), entre(1, 12)), heures: un([0.01, 1, 7.5, entre(1, 15000) / 100]) };
      evenement(`salarie-${p.salarie}`, 'HeuresDeclarees', { salarieId: p.salarie, placementId: p.id, marcheId: p.marche, declarationId: d.id, mois: d.mois, heures: d.heures });
      declarations.push(d);
      if (hasard() < 0.3) {
        const c = un(declarations);
        const heures = un([0, 0, 0.5, entre(0, 15000) / 100]);
        evenement(`salarie-${c.p.salarie}`, 'HeuresCorrigees', {
          salarieId: c.p.salarie, placementId: c.p.id, marcheId: c.p.marche, declarationId: c.id, mois: c.mois, heures, correctionId: randomUUID(), heuresPrecedentes: c.heures, motif: 'erreur',
        });
        c.heures = heures;
      }
    }
    for (const p of placements) {
      if (hasard() < 0.5) {
        const categorie = un(CATEGORIES_SORTIE);
        evenement(`salarie-${p.salarie}`, 'PlacementTermine', {
          salarieId: p.salarie, placementId: p.id, marcheId: p.marche, dateFin: jour(un(ANNEES)), sortie: 'cdi', sortiePositive: categorie !== 'autre', categorieSortie: categorie,
        });
      }
    }
    for (const [i, e] of events.entries()) {
      await store.appendToStream(
        e.streamId,
        [{ eventId: randomUUID(), type: e.type, data: e.data, metadata: { schemaVersion: versionDuSchema(e.type), occurredAt: new Date(Date.UTC(2023, 0, 1, 0, i)).toISOString(), userId: 'test', correlationId: randomUUID(), causationId: null } }],
        'any',
      );
    }
    // Small batches: a declaration and its corrections often fall in different ones.
    await rebuildProjection(new IndicateursProjection(), store, dataSource, db.url, { batchSize: 7, standbyRetryMs: 50, log: () => undefined });
  }, 120_000);

  afterAll(async () => {
    await dataSource?.destroy();
    await store?.close();
    await db?.drop();
  });

  /** Every scope the aggregates serve: national, each donneur d'ordre (asked, or as the caller's scope), two that exclude each other, an unknown one. */
  const perimetres = (periode: { du: string; au: string }): Perimetre[] => [
    periode,
    ...donneurs.map((d) => ({ ...periode, donneurOrdreId: d })),
    ...donneurs.map((d) => ({ ...periode, porteeDonneurOrdreId: d })),
    { ...periode, donneurOrdreId: donneurs[0], porteeDonneurOrdreId: donneurs[0] },
    { ...periode, donneurOrdreId: donneurs[0], porteeDonneurOrdreId: donneurs[1] },
    { ...periode, donneurOrdreId: randomUUID() },
  ];
  /** The rows of a relation of the scope, sorted (the fast path's sums as text, as the general path's). */
  const lignes = async ({ sql, args }: RequeteSql) =>
    ((await dataSource.query(`SELECT to_jsonb(r)::text AS r FROM (${sql}) r`, args)) as Array<{ r: string }>).map((row) => row.r).sort();
  const figures = async (p: Perimetre) => ({
    // The relations every figure reads, row by row: a difference no figure shows today would still be one.
    heures: await lignes(heuresDuPerimetre(p)),
    ...(perimetreAgrege({ ...p, agregats: undefined })?.annee == null
      ? {}
      : {
          personnes: await lignes(personnesDuPerimetre(p)),
          marches: await lignes(marchesDuPerimetre(p)),
          entreprises: await lignes(entreprisesDuPerimetre(p)),
        }),
    indicateurs: await calculerIndicateurs(dataSource.manager, p),
    repartitions: await calculerRepartitions(dataSource.manager, p),
    totaux: await totauxDuPerimetre(dataSource.manager, p),
    operations: await operationsDuBilan(dataSource.manager, p),
    consolidation: await calculerRepartitionsConsolidation(dataSource.manager, p),
  });

  it('every figure of a calendar year, national or of a donneur d’ordre, equals the one read from the declarations', async () => {
    let avecHeures = 0;
    for (const annee of [2022, ...ANNEES, 2026]) {
      // A year as asked by /indicateurs?annee= and as bounds inside its first and last months (the same months).
      for (const periode of [{ du: `${annee}-01-01`, au: `${annee}-12-31` }, { du: `${annee}-01-20`, au: `${annee}-12-02` }]) {
        for (const p of perimetres(periode)) {
          expect(perimetreAgrege(p)?.annee).toBe(annee);
          const attendu = await figures({ ...p, agregats: false });
          expect({ p, ...(await figures(p)) }).toEqual({ p, ...attendu });
          if (attendu.indicateurs.salaries > 0) avecHeures++;
        }
      }
    }
    // The log gave most scopes people to count (else the comparison says little).
    expect(avecHeures).toBeGreaterThan(20);
  });

  it('hours over whole months that are not a year, national or of a donneur d’ordre, equal the declarations’; the distinct counts too', async () => {
    for (const periode of [
      { du: '2024-03-15', au: '2024-08-02' },
      { du: '2023-11-01', au: '2025-02-28' },
      { du: '2023-01-01', au: '2025-12-31' },
    ]) {
      for (const p of perimetres(periode)) {
        expect(perimetreAgrege(p)?.annee).toBeNull();
        expect({ p, ...(await figures(p)) }).toEqual({ p, ...(await figures({ ...p, agregats: false })) });
      }
    }
  });

  it('the migration adds up, from the declarations, the rows the projection kept', async () => {
    const contenu = async () => {
      const tables: Record<string, string[]> = {};
      for (const table of TABLES_AGREGATS) {
        const rows: Array<{ r: string }> = await dataSource.query(`SELECT to_jsonb(t)::text AS r FROM indicateurs.${table} t`);
        tables[table] = rows.map((row) => row.r).sort();
      }
      return tables;
    };
    const gardees = await contenu();
    expect(gardees.personnes_annee.length).toBeGreaterThan(40);
    const runner = dataSource.createQueryRunner();
    try {
      await new AgregatsIndicateurs1764600000003().down(runner);
      await new AgregatsIndicateurs1764600000003().up(runner);
    } finally {
      await runner.release();
    }
    expect(await contenu()).toEqual(gardees);
  });
});
