import { Client } from 'pg';
import { utilisateurIdDe } from '@suivi/access';
import { FACILITATRICE, startTestApi, type TestApi } from './support/api-app';

/**
 * Sizing help for buyers (issue 13) through the real app on a real PostgreSQL: the hours of a
 * clause from an amount, a labour share (given or a trade's) and an insertion rate; the trades
 * table edited by the facilitation team as events; a marché registered from a calibration.
 */
describe('calibration des heures d’insertion', () => {
  let api: TestApi;
  let sql: Client;

  beforeAll(async () => {
    api = await startTestApi('calibrations');
    sql = new Client({ connectionString: api.db.url });
    await sql.connect();
  });
  afterAll(async () => {
    await sql?.end();
    await api?.close();
  });

  const nombreEvenements = async () => Number((await sql.query('SELECT count(*) AS n FROM event_store.events')).rows[0].n);
  const exemple = { montantHT: 1_000_000, partMainOeuvre: 0.5, tauxInsertion: 0.05 };

  it('1 000 000 € × 50 % × 5 % ÷ 30 € = 833 h, enregistrée avec tous ses facteurs', async () => {
    const res = await api.post('/calibrations', exemple).expect(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      revision: 0,
      position: expect.any(Number),
      heures: 833,
      formule: '1 000 000 € × 50 % × 5 % ÷ 30 € = 833 h',
      montantHT: 1_000_000,
      partMainOeuvre: 0.5,
      metier: null,
      libelleMetier: null,
      tauxInsertion: 0.05,
      coutHoraire: 30,
      coutHoraireParDefaut: true,
    });
    const { rows } = await sql.query('SELECT stream_id, type, data, metadata FROM event_store.events WHERE stream_id = $1', [`calibration-${res.body.id}`]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ type: 'CalibrationCalculee', data: { calibrationId: res.body.id, heures: 833, coutHoraire: 30 }, metadata: { userId: FACILITATRICE } });
    const lue = await api.get(`/calibrations/${res.body.id.toUpperCase()}`).expect(200);
    expect(lue.body).toMatchObject({ id: res.body.id, heures: 833, formule: res.body.formule, revision: 0, fraicheur: { position: res.body.position, retard: 0 } });
  });

  it('lit la table des métiers par défaut, et calcule avec la part d’un métier', async () => {
    const table = await api.get('/calibrations/metiers').expect(200);
    expect(table.body).toMatchObject({ coutHoraire: 30, coutHoraireSource: 'defaut', coutHoraireModifiePar: null, revision: null });
    expect(table.body.metiers).toEqual(
      expect.arrayContaining([
        { metier: 'peinture_interieure', libelle: 'Peinture intérieure', partMainOeuvre: 0.7, source: 'defaut', modifiePar: null, modifieLe: null },
        expect.objectContaining({ metier: 'maconnerie', partMainOeuvre: 0.5 }),
        expect.objectContaining({ metier: 'menuiseries_metalliques', partMainOeuvre: 0.2 }),
      ]),
    );
    const res = await api.post('/calibrations', { montantHT: 1_000_000, metier: 'peinture_interieure', tauxInsertion: 0.05, coutHoraire: 35 }).expect(201);
    expect(res.body).toMatchObject({
      heures: 1000,
      partMainOeuvre: 0.7,
      metier: 'peinture_interieure',
      libelleMetier: 'Peinture intérieure',
      coutHoraire: 35,
      coutHoraireParDefaut: false,
      formule: '1 000 000 € × 70 % × 5 % ÷ 35 € = 1 000 h',
    });
  });

  it('une table changée par l’équipe change les calibrations suivantes, pas les précédentes ; qui et quand sont gardés', async () => {
    const avant = (await api.post('/calibrations', { montantHT: 1_000_000, metier: 'maconnerie', tauxInsertion: 0.05 }).expect(201)).body;
    expect(avant.heures).toBe(833);

    const metier = await api.put('/calibrations/metiers/maconnerie', { libelle: 'Maçonnerie, gros œuvre', partMainOeuvre: 0.4 }, api.auth(await api.jetonPour('facilitatrice', { identifiant: 'facilitatrice-2' }))).expect(200);
    expect(metier.body).toEqual({ id: 'maconnerie', revision: 0, position: expect.any(Number) });
    const cout = await api.put('/calibrations/cout-horaire', { coutHoraire: 25 }, { 'If-Match': '0' }).expect(200);
    expect(cout.body).toEqual({ id: 'cout-horaire', revision: 1, position: expect.any(Number) });
    const ajout = await api.put('/calibrations/metiers/plomberie', { libelle: 'Plomberie', partMainOeuvre: 0.45 }).expect(200);
    expect(ajout.body.revision).toBe(2);

    const apres = (await api.post('/calibrations', { montantHT: 1_000_000, metier: 'maconnerie', tauxInsertion: 0.05 }).expect(201)).body;
    expect(apres).toMatchObject({ heures: 800, partMainOeuvre: 0.4, libelleMetier: 'Maçonnerie, gros œuvre', coutHoraire: 25, formule: '1 000 000 € × 40 % × 5 % ÷ 25 € = 800 h' });
    expect((await api.post('/calibrations', { montantHT: 100_000, metier: 'plomberie', tauxInsertion: 0.1 }).expect(201)).body.heures).toBe(180);
    // The earlier calibration keeps the factors it was computed with.
    expect((await api.get(`/calibrations/${avant.id}`).expect(200)).body).toMatchObject({ heures: 833, partMainOeuvre: 0.5, libelleMetier: 'Maçonnerie', coutHoraire: 30 });

    const table = (await api.get('/calibrations/metiers').expect(200)).body;
    expect(table).toMatchObject({ coutHoraire: 25, coutHoraireSource: 'equipe', coutHoraireModifiePar: FACILITATRICE, revision: 2 });
    expect(table.metiers.find((m: any) => m.metier === 'maconnerie')).toEqual({
      metier: 'maconnerie',
      libelle: 'Maçonnerie, gros œuvre',
      partMainOeuvre: 0.4,
      source: 'equipe',
      modifiePar: utilisateurIdDe('facilitatrice-2'),
      modifieLe: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });
    expect(table.metiers.find((m: any) => m.metier === 'plomberie')).toMatchObject({ partMainOeuvre: 0.45, source: 'equipe' });
    expect(table.metiers.find((m: any) => m.metier === 'peinture_interieure')).toMatchObject({ source: 'defaut' });
  });

  it('les écritures de la table suivent If-Match et Idempotency-Key comme les autres', async () => {
    const stale = await api.put('/calibrations/cout-horaire', { coutHoraire: 26 }, { 'If-Match': '0' }).expect(409);
    expect(stale.body.code).toBe('CONFLIT_DE_REVISION');
    const avant = await nombreEvenements();
    const premiere = await api.put('/calibrations/metiers/carrelage', { libelle: 'Carrelage', partMainOeuvre: 0.6 }, { 'Idempotency-Key': 'table-1' }).expect(200);
    const seconde = await api.put('/calibrations/metiers/carrelage', { libelle: 'Carrelage', partMainOeuvre: 0.6 }, { 'Idempotency-Key': 'table-1' }).expect(200);
    expect(seconde.body).toEqual(premiere.body);
    expect(await nombreEvenements()).toBe(avant + 1);
    const autre = await api.put('/calibrations/metiers/carrelage', { libelle: 'Carrelage', partMainOeuvre: 0.65 }, { 'Idempotency-Key': 'table-1' }).expect(422);
    expect(autre.body.code).toBe('CLE_IDEMPOTENCE_REUTILISEE');
    // The same values again: nothing to record.
    const inchange = await api.put('/calibrations/metiers/carrelage', { libelle: 'Carrelage', partMainOeuvre: 0.6 }).expect(200);
    expect(inchange.body).toEqual(premiere.body);
    expect(await nombreEvenements()).toBe(avant + 1);

    const calcul = await api.post('/calibrations', exemple, { 'Idempotency-Key': 'calibration-1' }).expect(201);
    const rejeu = await api.post('/calibrations', exemple, { 'Idempotency-Key': 'calibration-1' }).expect(201);
    expect(rejeu.body).toEqual(calcul.body);
    expect(await nombreEvenements()).toBe(avant + 2);
  });

  describe('bornes et erreurs : rien n’est écrit par une demande refusée', () => {
    let avant: number;
    beforeAll(async () => {
      avant = await nombreEvenements();
    });
    afterAll(async () => {
      expect(await nombreEvenements()).toBe(avant);
    });

    it.each([
      ['montant nul', { ...exemple, montantHT: 0 }, 'montantHT'],
      ['montant au-delà de 10 milliards', { ...exemple, montantHT: 10_000_000_000.01 }, 'montantHT'],
      ['montant à 3 décimales', { ...exemple, montantHT: 1000.005 }, 'montantHT'],
      ['montant en texte', { ...exemple, montantHT: '1000000' }, 'montantHT'],
      ['part négative', { ...exemple, partMainOeuvre: -0.0001 }, 'partMainOeuvre'],
      ['part au-delà de 1', { ...exemple, partMainOeuvre: 1.0001 }, 'partMainOeuvre'],
      ['part à 5 décimales', { ...exemple, partMainOeuvre: 0.12345 }, 'partMainOeuvre'],
      ['taux au-delà de 1', { ...exemple, tauxInsertion: 1.0001 }, 'tauxInsertion'],
      ['taux manquant', { montantHT: 1000, partMainOeuvre: 0.5 }, 'tauxInsertion'],
      ['coût sous 1 €', { ...exemple, coutHoraire: 0.99 }, 'coutHoraire'],
      ['coût au-delà de 1 000 €', { ...exemple, coutHoraire: 1000.01 }, 'coutHoraire'],
      ['ni part ni métier', { montantHT: 1000, tauxInsertion: 0.05 }, 'partMainOeuvre'],
      ['part et métier', { ...exemple, metier: 'maconnerie' }, 'partMainOeuvre'],
      ['code de métier mal formé', { montantHT: 1000, metier: 'Maçonnerie', tauxInsertion: 0.05 }, 'metier'],
      ['champ inconnu', { ...exemple, heures: 833 }, 'heures'],
    ])('400 REQUETE_INVALIDE : %s', async (_cas, body, champ) => {
      const res = await api.post('/calibrations', body).expect(400);
      expect(res.body.code).toBe('REQUETE_INVALIDE');
      expect(res.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ champ, message: expect.any(String) })]));
    });

    it('accepte les bornes : 0,01 € et 10 milliards, parts 0 et 1 à 4 décimales, coûts 1 € et 1 000 €', async () => {
      const petit = await api.post('/calibrations', { montantHT: 0.01, partMainOeuvre: 1, tauxInsertion: 1, coutHoraire: 1 }).expect(201);
      expect(petit.body).toMatchObject({ heures: 0, formule: '0,01 € × 100 % × 100 % ÷ 1 € = 0 h' });
      const grand = await api.post('/calibrations', { montantHT: 10_000_000_000, partMainOeuvre: 0.1234, tauxInsertion: 0, coutHoraire: 1000 }).expect(201);
      expect(grand.body.heures).toBe(0);
      const max = await api.post('/calibrations', { montantHT: 10_000_000_000, partMainOeuvre: 1, tauxInsertion: 1, coutHoraire: 1 }).expect(201);
      expect(max.body).toMatchObject({ heures: 10_000_000_000, formule: '10 000 000 000 € × 100 % × 100 % ÷ 1 € = 10 000 000 000 h' });
      avant += 3;
    });

    it('422 METIER_INCONNU : un métier absent de la table', async () => {
      const res = await api.post('/calibrations', { montantHT: 1000, metier: 'toiture', tauxInsertion: 0.05 }).expect(422);
      expect(res.body).toMatchObject({ code: 'METIER_INCONNU', message: expect.stringContaining('toiture'), details: { champ: 'metier', metier: 'toiture' } });
    });

    it('422 CALIBRATION_DEJA_CALCULEE : un id déjà pris', async () => {
      const id = '0b7f1c62-3c1e-4f57-9d0a-111111111111';
      await api.post('/calibrations', { ...exemple, id }).expect(201);
      avant += 1;
      expect((await api.post('/calibrations', { ...exemple, id }).expect(422)).body.code).toBe('CALIBRATION_DEJA_CALCULEE');
    });

    it('les écritures de la table refusent un code, un libellé, une part ou un coût mal formés', async () => {
      expect((await api.put('/calibrations/metiers/Peinture%20Ext', { libelle: 'x', partMainOeuvre: 0.5 }).expect(400)).body.code).toBe('CODE_METIER_INVALIDE');
      expect((await api.put(`/calibrations/metiers/${'a'.repeat(51)}`, { libelle: 'x', partMainOeuvre: 0.5 }).expect(400)).body.code).toBe('CODE_METIER_INVALIDE');
      for (const body of [{ libelle: '', partMainOeuvre: 0.5 }, { libelle: 'x'.repeat(201), partMainOeuvre: 0.5 }, { libelle: 'Toiture', partMainOeuvre: 1.5 }, { libelle: 'Toiture' }]) {
        expect((await api.put('/calibrations/metiers/toiture', body).expect(400)).body.code).toBe('REQUETE_INVALIDE');
      }
      for (const coutHoraire of [0, 0.99, 1000.01, 30.005, '30', null]) {
        expect((await api.put('/calibrations/cout-horaire', { coutHoraire }).expect(400)).body.code).toBe('REQUETE_INVALIDE');
      }
      expect((await api.put('/calibrations/cout-horaire', { coutHoraire: 30 }, { Authorization: '' }).expect(401)).body.code).toBe('AUTHENTIFICATION_REQUISE');
      expect((await api.post('/calibrations', exemple, { Authorization: '' }).expect(401)).body.code).toBe('AUTHENTIFICATION_REQUISE');
    });

    it('404 et 400 en lecture', async () => {
      expect((await api.get('/calibrations/0b7f1c62-3c1e-4f57-9d0a-000000000000').expect(404)).body.code).toBe('CALIBRATION_INTROUVABLE');
      expect((await api.get('/calibrations/pas-un-uuid').expect(400)).body.code).toBe('IDENTIFIANT_INVALIDE');
    });
  });

  describe('un marché enregistré depuis une calibration', () => {
    let donneurOrdreId: string;
    let operationId: string;
    const marche = (champs: Record<string, unknown>) => ({
      donneurOrdreId,
      operationId,
      numero: 'LOT-PEINTURE',
      objet: 'Peinture des logements',
      secteur: 'services',
      baseJuridique: 'L2112-2',
      heuresPrevues: 833,
      dateDebut: '2025-01-01',
      dateFin: '2025-12-31',
      ...champs,
    });

    beforeAll(async () => {
      donneurOrdreId = (await api.post('/donneurs-ordre', { nom: 'Grand Dijon Habitat', type: 'bailleur_social', region: 'Bourgogne-Franche-Comté' }).expect(201)).body.id;
      operationId = (await api.post('/operations', { donneurOrdreId, nom: 'Résidence Les Grésilles', commune: 'Dijon' }).expect(201)).body.id;
    });

    it('garde la référence, montrée par GET /marches/{id}', async () => {
      const calibration = (await api.post('/calibrations', exemple).expect(201)).body;
      const res = await api.post('/marches', marche({ calibrationId: calibration.id.toUpperCase(), heuresPrevues: calibration.heures })).expect(201);
      const lu = await api.get(`/marches/${res.body.id}`).expect(200);
      expect(lu.body).toMatchObject({ heuresPrevues: calibration.heures, calibrationId: calibration.id });
      const { rows } = await sql.query("SELECT data FROM event_store.events WHERE stream_id = $1 AND type = 'MarcheEnregistre'", [`marche-${res.body.id}`]);
      expect(rows[0].data.calibrationId).toBe(calibration.id);
    });

    it('sans calibration, le marché répond calibrationId null', async () => {
      const res = await api.post('/marches', marche({ numero: 'LOT-SANS' })).expect(201);
      expect((await api.get(`/marches/${res.body.id}`).expect(200)).body.calibrationId).toBeNull();
    });

    it('refuse une calibration inconnue (422) ou mal formée (400), sans rien écrire', async () => {
      const avant = await nombreEvenements();
      const inconnue = await api.post('/marches', marche({ calibrationId: '0b7f1c62-3c1e-4f57-9d0a-222222222222' })).expect(422);
      expect(inconnue.body).toMatchObject({ code: 'CALIBRATION_INCONNUE', details: { champ: 'calibrationId' } });
      const malFormee = await api.post('/marches', marche({ calibrationId: 'calibration-1' })).expect(400);
      expect(malFormee.body.details).toEqual([expect.objectContaining({ champ: 'calibrationId' })]);
      expect(await nombreEvenements()).toBe(avant);
    });
  });

  it('documente les routes dans OpenAPI', async () => {
    const doc = (await api.get('/docs/json').expect(200)).body;
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/calibrations', '/api/calibrations/metiers', '/api/calibrations/metiers/{metier}', '/api/calibrations/cout-horaire', '/api/calibrations/{id}']),
    );
    expect(doc.components.schemas.CalculerCalibrationDto.properties).toEqual(
      expect.objectContaining({ montantHT: expect.any(Object), partMainOeuvre: expect.any(Object), metier: expect.any(Object), tauxInsertion: expect.any(Object), coutHoraire: expect.any(Object) }),
    );
    expect(doc.components.schemas.EnregistrerMarcheDto.properties.calibrationId).toBeDefined();
  });
});
