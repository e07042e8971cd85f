import { Client } from 'pg';
import request from 'supertest';
import { utilisateurIdDe } from '@suivi/access';
import { startApp } from './support/processes';
import { MOT_DE_PASSE_DE_TEST, startTestApi, type TestApi } from './support/api-app';

/** Sign-in, the users' lifecycle through the admin API and the CLI, and what each change does to open sessions. */
describe('connexion et utilisateurs', () => {
  let api: TestApi;
  let admin: Record<string, string>;
  let log: Client;

  beforeAll(async () => {
    api = await startTestApi('connexion');
    admin = api.auth(await api.jetonPour('admin'));
    log = new Client({ connectionString: api.db.url });
    await log.connect();
  });
  afterAll(async () => {
    await log?.end();
    await api?.close();
  });

  const connexion = (identifiant: string, motDePasse: string) => request(api.server).post('/api/auth/connexion').send({ identifiant, motDePasse });
  const bearer = (jeton: string) => ({ Authorization: `Bearer ${jeton}` });
  const creer = (corps: Record<string, unknown>) => api.post('/utilisateurs', { motDePasse: 'une phrase de passe solide', ...corps }, admin);

  it('se connecte, reçoit un jeton d’une heure, et GET /auth/moi dit qui il est', async () => {
    expect((await creer({ identifiant: 'Claire.Martin', role: 'facilitatrice' })).status).toBe(201);
    const res = await connexion('  claire.MARTIN ', 'une phrase de passe solide').expect(200);
    expect(res.body).toEqual({ jeton: expect.any(String), expireDans: 3600 });
    const moi = await api.get('/auth/moi', bearer(res.body.jeton)).expect(200);
    expect(moi.body).toEqual({
      utilisateurId: utilisateurIdDe('claire.martin'),
      identifiant: 'claire.martin',
      role: 'facilitatrice',
      donneurOrdreId: null,
      voitIdentites: true,
      seuilSecretStatistique: null,
    });
  });

  it('répond la même chose pour un identifiant inconnu et un mauvais mot de passe (401 IDENTIFIANTS_INVALIDES)', async () => {
    const inconnu = await connexion('personne', 'une phrase de passe solide').expect(401);
    const faux = await connexion('claire.martin', 'une autre phrase de passe').expect(401);
    expect(inconnu.body).toEqual(faux.body);
    expect(faux.body.code).toBe('IDENTIFIANTS_INVALIDES');
    expect((await connexion('', '').expect(400)).body.code).toBe('REQUETE_INVALIDE');
  });

  it('n’enregistre jamais le mot de passe : seulement une empreinte scrypt salée, différente pour deux comptes au même mot de passe', async () => {
    await creer({ identifiant: 'jumeau', role: 'auditeur' }).expect(201);
    const { rows } = await log.query(`SELECT data FROM event_store.events WHERE type = 'UtilisateurCree'`);
    const texte = JSON.stringify(rows);
    expect(texte).not.toContain('une phrase de passe solide');
    const empreintes = rows.map((r) => r.data.empreinteMotDePasse as string);
    expect(empreintes.every((e) => /^scrypt\$32768\$8\$3\$/.test(e))).toBe(true);
    expect(new Set(empreintes).size).toBe(empreintes.length);
  });

  it('refuse un identifiant pris (409), un mot de passe court (422), un acheteur sans donneur d’ordre ou inconnu (422)', async () => {
    expect((await creer({ identifiant: 'CLAIRE.martin', role: 'auditeur' })).body.code).toBe('IDENTIFIANT_DEJA_UTILISE');
    expect((await creer({ identifiant: 'court', role: 'auditeur', motDePasse: 'onze caract' })).body).toMatchObject({ code: 'MOT_DE_PASSE_TROP_FAIBLE' });
    expect((await creer({ identifiant: 'acheteur-x', role: 'acheteur' })).body.code).toBe('DONNEUR_ORDRE_REQUIS');
    const inconnu = await creer({ identifiant: 'acheteur-y', role: 'acheteur', donneurOrdreId: '00000000-0000-4000-8000-000000000000' });
    expect(inconnu.status).toBe(422);
    expect(inconnu.body.code).toBe('DONNEUR_ORDRE_INCONNU');
    expect((await creer({ identifiant: 'x y', role: 'auditeur' })).body.code).toBe('IDENTIFIANT_INVALIDE');
    expect((await creer({ identifiant: 'role-faux', role: 'directeur' })).status).toBe(400);
  });

  it('signe chaque changement du nom de l’administrateur qui l’a fait, et les liste', async () => {
    const cree = await creer({ identifiant: 'liste.test', role: 'coordination' }).expect(201);
    const { rows } = await log.query(`SELECT metadata FROM event_store.events WHERE stream_id = $1`, [`utilisateur-${cree.body.id}`]);
    expect(rows[0].metadata.userId).toBe(utilisateurIdDe('admin-1'));
    const liste = await api.get(`/utilisateurs?role=coordination&apres=${cree.body.position}`, admin).expect(200);
    expect(liste.body).toMatchObject({ total: 1, page: 1, taillePage: 50, items: [{ id: cree.body.id, identifiant: 'liste.test', role: 'coordination', actif: true, creePar: utilisateurIdDe('admin-1') }] });
    expect(JSON.stringify(liste.body)).not.toMatch(/scrypt|empreinte/);
    const lu = await api.get(`/utilisateurs/${cree.body.id}?apres=${cree.body.position}`, admin).expect(200);
    expect(lu.body).toMatchObject({ identifiant: 'liste.test', revision: 0, fraicheur: { retard: expect.any(Number) } });
    expect((await api.get('/utilisateurs/00000000-0000-4000-8000-000000000000', admin).expect(404)).body.code).toBe('UTILISATEUR_INTROUVABLE');
  });

  it('désactiver ferme la connexion (403) et les sessions ouvertes (401) dès la requête suivante ; réactiver les rouvre', async () => {
    const cree = await creer({ identifiant: 'bientot.parti', role: 'facilitatrice' }).expect(201);
    const { jeton } = (await connexion('bientot.parti', 'une phrase de passe solide').expect(200)).body;
    await api.get('/auth/moi', bearer(jeton)).expect(200);
    await api.post(`/utilisateurs/${cree.body.id}/desactivation`, {}, admin).expect(201);
    expect((await api.get('/auth/moi', bearer(jeton)).expect(401)).body.code).toBe('UTILISATEUR_DESACTIVE');
    expect((await connexion('bientot.parti', 'une phrase de passe solide').expect(403)).body.code).toBe('UTILISATEUR_DESACTIVE');
    // A wrong password does not tell that the account exists but is disabled.
    expect((await connexion('bientot.parti', 'pas le bon mot de passe').expect(401)).body.code).toBe('IDENTIFIANTS_INVALIDES');
    await api.post(`/utilisateurs/${cree.body.id}/reactivation`, {}, admin).expect(201);
    await api.get('/auth/moi', bearer(jeton)).expect(200);
  });

  it('un changement de rôle s’applique à la requête suivante, sans nouvelle connexion', async () => {
    const cree = await creer({ identifiant: 'change.role', role: 'auditeur' }).expect(201);
    const { jeton } = (await connexion('change.role', 'une phrase de passe solide').expect(200)).body;
    const ecriture = () => api.post('/donneurs-ordre', { nom: 'Ville de Beaune', type: 'collectivite', region: 'Bourgogne-Franche-Comté' }, bearer(jeton));
    expect((await ecriture().expect(403)).body.code).toBe('ACCES_REFUSE');
    await api.put(`/utilisateurs/${cree.body.id}/role`, { role: 'facilitatrice' }, admin).expect(200);
    await ecriture().expect(201);
  });

  it('un administrateur ne peut ni se désactiver ni changer son propre rôle (422 PROPRE_COMPTE)', async () => {
    const moi = utilisateurIdDe('admin-1');
    expect((await api.post(`/utilisateurs/${moi}/desactivation`, {}, admin).expect(422)).body.code).toBe('PROPRE_COMPTE');
    expect((await api.put(`/utilisateurs/${moi}/role`, { role: 'auditeur' }, admin).expect(422)).body.code).toBe('PROPRE_COMPTE');
  });

  it('un nouveau mot de passe met fin aux sessions ouvertes avec l’ancien (401 JETON_PERIME)', async () => {
    const cree = await creer({ identifiant: 'oublieuse', role: 'facilitatrice' }).expect(201);
    const { jeton } = (await connexion('oublieuse', 'une phrase de passe solide').expect(200)).body;
    await api.put(`/utilisateurs/${cree.body.id}/mot-de-passe`, { motDePasse: 'un tout nouveau mot de passe' }, admin).expect(200);
    expect((await api.get('/auth/moi', bearer(jeton)).expect(401)).body.code).toBe('JETON_PERIME');
    await connexion('oublieuse', 'une phrase de passe solide').expect(401);
    const nouveau = (await connexion('oublieuse', 'un tout nouveau mot de passe').expect(200)).body.jeton;

    // Her own change: the current password is checked, the answer carries a new token.
    const faux = await api.put('/auth/mot-de-passe', { motDePasseActuel: 'pas le bon mot de passe', nouveauMotDePasse: 'encore une autre phrase' }, bearer(nouveau));
    expect(faux.status).toBe(422);
    expect(faux.body.code).toBe('MOT_DE_PASSE_ACTUEL_INCORRECT');
    const change = await api.put('/auth/mot-de-passe', { motDePasseActuel: 'un tout nouveau mot de passe', nouveauMotDePasse: 'encore une autre phrase' }, bearer(nouveau)).expect(200);
    expect(change.body).toEqual({ id: cree.body.id, revision: 2, position: expect.any(Number), jeton: expect.any(String), expireDans: 3600 });
    expect((await api.get('/auth/moi', bearer(nouveau)).expect(401)).body.code).toBe('JETON_PERIME');
    await api.get('/auth/moi', bearer(change.body.jeton)).expect(200);
  });

  it('la ligne de commande crée, liste et désactive des utilisateurs (users:create, users:list, users:disable)', async () => {
    const env = { DATABASE_URL: api.db.url, LOG_LEVEL: 'warn' };
    const cree = startApp('cli', ['users:create', '--identifiant', 'Depuis.CLI', '--role', 'auditeur', '--mot-de-passe', MOT_DE_PASSE_DE_TEST], env);
    expect((await cree.exited).code).toBe(0);
    expect(cree.output()).toContain('utilisateur depuis.cli créé (auditeur');
    const { rows } = await log.query(`SELECT metadata FROM event_store.events WHERE stream_id = $1`, [`utilisateur-${utilisateurIdDe('depuis.cli')}`]);
    expect(rows[0].metadata.userId).toMatch(/^cli:/);
    await connexion('depuis.cli', MOT_DE_PASSE_DE_TEST).expect(200);

    const refuse = startApp('cli', ['users:create', '--identifiant', 'depuis.cli', '--role', 'auditeur', '--mot-de-passe', MOT_DE_PASSE_DE_TEST], env);
    expect((await refuse.exited).code).toBe(1);
    expect(refuse.output()).toContain('IDENTIFIANT_DEJA_UTILISE');

    const desactive = startApp('cli', ['users:disable', 'depuis.cli'], env);
    expect((await desactive.exited).code).toBe(0);
    await connexion('depuis.cli', MOT_DE_PASSE_DE_TEST).expect(403);

    const head = Number((await log.query('SELECT max(position) AS p FROM event_store.events')).rows[0].p);
    await api.get(`/utilisateurs?apres=${head}`, admin).expect(200);
    const liste = startApp('cli', ['users:list'], env);
    expect((await liste.exited).code).toBe(0);
    expect(liste.output()).toMatch(/depuis\.cli.*auditeur.*désactivé/);
  });
});
