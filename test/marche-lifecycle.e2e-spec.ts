import { Client } from 'pg';
import type { RecordedEvent } from '@suivi/event-store';
import { PersonalDataProtection } from '@suivi/personal-data';
import {
  donneurOrdreDecider,
  entrepriseDecider,
  fold,
  marcheDecider,
  operationDecider,
  rattachementDecider,
  salarieDecider,
  siretDecider,
  utilisateurDecider,
} from '@suivi/domain';
import { streamTypeOf } from '@suivi/event-store';
import { FACILITATRICE, startTestApi, type TestApi } from './support/api-app';

/**
 * The whole life of a marché through the HTTP API on a real PostgreSQL: registration, award,
 * an eligible person, a placement, twelve monthly declarations, a correction, an exit, the
 * closing; then every stream replayed from the store gives the state the API answered.
 */
describe('la vie d’un marché, de bout en bout', () => {
  let api: TestApi;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    api = await startTestApi('lifecycle');
  });
  afterAll(async () => {
    await api?.close();
  });

  const created = async (res: Promise<{ status: number; body: any }>, key: string) => {
    const { status, body } = await res;
    expect({ status, body }).toMatchObject({ status: 201, body: { id: expect.any(String), revision: expect.any(Number), position: expect.any(Number) } });
    ids[key] = body.id;
    return body as { id: string; revision: number; position: number };
  };

  it('enregistre le donneur d’ordre, l’opération, le marché et les entreprises', async () => {
    await created(api.post('/donneurs-ordre', { nom: 'Dijon Métropole', type: 'collectivite', region: 'Bourgogne-Franche-Comté' }), 'donneurOrdre');
    await created(api.post('/operations', { donneurOrdreId: ids.donneurOrdre, nom: 'Centre de santé Valmy', commune: 'Dijon' }), 'operation');
    await created(
      api.post('/marches', {
        donneurOrdreId: ids.donneurOrdre,
        operationId: ids.operation,
        numero: '2025-BTP-017',
        objet: 'Gros œuvre',
        secteur: 'btp',
        sousSecteur: 'batiment',
        baseJuridique: 'L2112-2',
        heuresPrevues: 3425,
        dateDebut: '2025-01-01',
        dateFin: '2025-12-31',
      }),
      'marche',
    );
    await created(api.post('/entreprises', { siret: '732 829 320 00074', raisonSociale: 'Bâtiments de Bourgogne', type: 'classique' }), 'titulaire');
    await created(api.post('/entreprises', { siret: '35600000000048', raisonSociale: 'Intérim Insertion 21', type: 'etti' }), 'etti');
    const award = await api.post(`/marches/${ids.marche}/attributions`, { entrepriseId: ids.titulaire, role: 'titulaire' });
    expect(award.status).toBe(201);
    expect(award.body).toMatchObject({ id: ids.marche, revision: 1 });

    const marche = await api.get(`/marches/${ids.marche}`).expect(200);
    expect(marche.body).toMatchObject({
      id: ids.marche,
      secteur: 'btp',
      sousSecteur: 'batiment',
      heuresPrevues: 3425,
      statut: 'en_cours',
      attributaires: [{ entrepriseId: ids.titulaire, role: 'titulaire' }],
      revision: 1,
      fraicheur: { position: expect.any(Number), retard: 0 },
    });
    const entreprise = await api.get(`/entreprises/${ids.titulaire}`).expect(200);
    expect(entreprise.body).toMatchObject({ siret: '73282932000074', siren: '732829320', type: 'classique' });
  });

  it('sousSecteur : obligatoire avec btp (422), refusé avec un autre secteur (422), hors liste (400), null ailleurs', async () => {
    const marche = (over: Record<string, unknown>) =>
      api.post('/marches', {
        donneurOrdreId: ids.donneurOrdre,
        operationId: ids.operation,
        numero: `2025-SS-${Math.random().toString(36).slice(2, 8)}`,
        objet: 'Voirie',
        secteur: 'btp',
        baseJuridique: 'L2112-2',
        heuresPrevues: 500,
        dateDebut: '2025-01-01',
        dateFin: '2025-12-31',
        ...over,
      });
    const refus = async (over: Record<string, unknown>, status: number, code: string) => {
      const res = await marche(over);
      expect({ over, status: res.status, code: res.body.code }).toEqual({ over, status, code });
      expect(res.body.message).toMatch(/sousSecteur/);
    };
    await refus({}, 422, 'SOUS_SECTEUR_REQUIS');
    await refus({ sousSecteur: null }, 422, 'SOUS_SECTEUR_REQUIS');
    await refus({ secteur: 'services', sousSecteur: 'batiment' }, 422, 'SOUS_SECTEUR_HORS_BTP');
    await refus({ secteur: 'prestations_intellectuelles', sousSecteur: 'travaux_publics' }, 422, 'SOUS_SECTEUR_HORS_BTP');
    await refus({ sousSecteur: 'genie_civil' }, 400, 'REQUETE_INVALIDE');
    await created(marche({ sousSecteur: 'travaux_publics' }), 'marcheTp');
    expect((await api.get(`/marches/${ids.marcheTp}`).expect(200)).body).toMatchObject({ secteur: 'btp', sousSecteur: 'travaux_publics' });
    await created(marche({ secteur: 'services' }), 'marcheServices');
    expect((await api.get(`/marches/${ids.marcheServices}`).expect(200)).body).toMatchObject({ secteur: 'services', sousSecteur: null });
  });

  it('enregistre une personne éligible, son placement et douze mois d’heures', async () => {
    await created(
      api.post('/salaries', {
        nom: 'Martin',
        prenom: 'Camille',
        sexe: 'F',
        dateNaissance: '1994-03-12',
        commune: 'Dijon',
        quartierQpv: 'Fontaine d’Ouche',
        niveauFormation: '3',
      }),
      'salarie',
    );
    await api.post(`/salaries/${ids.salarie}/eligibilites`, { criteres: ['deld', 'qpv_sans_emploi'], dateValidation: '2024-12-20' }).expect(201);
    await created(
      api.post('/placements', {
        salarieId: ids.salarie,
        marcheId: ids.marche,
        entrepriseId: ids.titulaire,
        modalite: 'embauche_directe',
        typeContrat: 'cdd',
        dateDebut: '2025-01-06',
      }),
      'placement',
    );
    for (let m = 1; m <= 12; m++) {
      const mois = `2025-${String(m).padStart(2, '0')}`;
      await created(api.post(`/placements/${ids.placement}/heures`, { mois, heures: 151.67 }), `declaration-${mois}`);
    }
    const correction = await created(
      api.post(`/declarations/${ids['declaration-2025-03']}/corrections`, { heures: 140.5, motif: 'Feuille de temps rectifiée' }),
      'correction',
    );
    expect(correction.id).not.toBe(ids['declaration-2025-03']);

    const placement = await api.get(`/placements/${ids.placement}`).expect(200);
    expect(placement.body.declarations).toHaveLength(12);
    expect(placement.body.declarations[2]).toMatchObject({ mois: '2025-03', heures: 140.5, heuresDeclarees: 151.67 });
    expect(placement.body.heuresTotales).toBe(Math.round(11 * 15167 + 14050) / 100);
    const salarie = await api.get(`/salaries/${ids.salarie}`).expect(200);
    expect(salarie.body).toMatchObject({
      eligibilites: [{ criteres: ['deld', 'qpv_sans_emploi'], dateValidation: '2024-12-20', validePar: FACILITATRICE }],
      placements: [ids.placement],
    });
  });

  it('termine le placement par une sortie positive dérivée par le serveur, puis clôture le marché', async () => {
    await api.post(`/placements/${ids.placement}/fin`, { dateFin: '2025-12-31', sortie: 'cdi' }).expect(201);
    const placement = await api.get(`/placements/${ids.placement}`).expect(200);
    expect(placement.body).toMatchObject({ statut: 'termine', sortie: 'cdi', sortiePositive: true, categorieSortie: 'emploi_durable' });

    await api.post(`/marches/${ids.marche}/avenants`, { heuresPrevues: 3800, motif: 'Lot étendu' }).expect(201);
    await api.put(`/marches/${ids.marche}/suivi-regional`, { suivi: true }).expect(200);
    await api.post(`/marches/${ids.marche}/cloture`, { date: '2026-01-15' }).expect(201);
    const marche = await api.get(`/marches/${ids.marche}`).expect(200);
    expect(marche.body).toMatchObject({ statut: 'cloture', dateCloture: '2026-01-15', heuresPrevues: 3800, heuresPrevuesInitiales: 3425, suiviRegional: true });

    const closed = await api.post(`/declarations/${ids['declaration-2025-04']}/corrections`, { heures: 160, motif: 'trop tard' }).expect(422);
    expect(closed.body.code).toBe('MARCHE_CLOTURE');
  });

  it('rejoue chaque flux depuis le magasin et retrouve l’état répondu par l’API', async () => {
    const sql = new Client({ connectionString: api.db.url });
    await sql.connect();
    const { rows } = await sql.query(`SELECT stream_id, type, data, revision FROM event_store.events ORDER BY position`);
    await sql.end();
    // The log holds identities encrypted: the fold reads them as the write side does, decrypted.
    const enregistrement = rows.find((r) => r.type === 'SalarieEnregistre')!;
    expect(enregistrement.data).toEqual(expect.objectContaining({ chiffre: expect.any(Object) }));
    expect(JSON.stringify(enregistrement.data)).not.toMatch(/nom|prenom|dateNaissance|adresse/);
    const revealed = await api.app.get(PersonalDataProtection).reveal(rows.map((r) => ({ type: r.type, data: r.data }) as RecordedEvent));
    const byStream = new Map<string, Array<{ type: string; data: any }>>();
    rows.forEach((row, i) => byStream.set(row.stream_id, [...(byStream.get(row.stream_id) ?? []), { type: row.type, data: revealed[i].data }]));

    const deciders: Record<string, { initialState: unknown; evolve: (s: any, e: any) => any }> = {
      donneurordre: donneurOrdreDecider,
      operation: operationDecider,
      marche: marcheDecider,
      entreprise: entrepriseDecider,
      salarie: salarieDecider,
      siret: siretDecider,
      placement: rattachementDecider,
      declaration: rattachementDecider,
      utilisateur: utilisateurDecider,
    };
    const paths: Record<string, string> = {
      donneurordre: 'donneurs-ordre',
      operation: 'operations',
      marche: 'marches',
      entreprise: 'entreprises',
      salarie: 'salaries',
    };
    let compared = 0;
    for (const [streamId, events] of byStream) {
      const kind = streamTypeOf(streamId);
      const state = fold(deciders[kind] as any, events as any) as any;
      expect(state).toBeDefined();
      if (!paths[kind]) continue;
      const id = streamId.slice(kind.length + 1);
      const answered = (await api.get(`/${paths[kind]}/${id}`).expect(200)).body;
      expect(answered.revision).toBe(events.length - 1);
      for (const [field, value] of Object.entries(answered)) {
        if (['id', 'revision', 'fraicheur', 'statut', 'placements', 'identiteVisible'].includes(field)) continue;
        // An attributaire's name and SIRET are read from its entreprise's stream, not the marché's.
        const propre = field === 'attributaires' ? (value as Array<Record<string, unknown>>).map(({ raisonSociale: _r, siret: _s, ...a }) => a) : value;
        expect({ streamId, field, value: state[field] }).toEqual({ streamId, field, value: propre });
      }
      compared++;
    }
    // The donneur d'ordre, the operation, three marchés (with the two of the sousSecteur test), two entreprises, the salarié.
    expect(compared).toBe(8);
    const salarie = fold(salarieDecider, byStream.get(`salarie-${ids.salarie}`) as any);
    expect(salarie.existe && Object.values(salarie.centiemesParMois).reduce((a, b) => a + b, 0)).toBe(11 * 15167 + 14050);
  });
});
