import { Logger } from '@nestjs/common';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { validateConfig } from '@suivi/config';
import { RoutesDeclarees } from '../apps/api/src/acces/routes-declarees';
import { FACILITATRICE, IDENTIFIANT_FACILITATRICE, MOT_DE_PASSE_DE_TEST, startTestApi, type TestApi } from './support/api-app';

/**
 * The usual web defences: rate limits (sign-in per address and identifiant, writes and reads per
 * user), security headers, CORS closed by default, denied requests logged, and an OpenAPI
 * document that declares the bearer scheme and every error answer.
 */

const LIMITE_CONNEXION = 3;
const LIMITE_ECRITURES = 3;
const LIMITE_LECTURES = 5;
const ORIGINE = 'https://suivi.example.fr';

/** What the app hands its logger (nestjs-pino behind Nest's Logger): a spy that lets every call through. */
const journal = jest.spyOn(Logger.prototype, 'warn');
const lignes = (msg: string) => journal.mock.calls.map(([ligne]) => ligne as Record<string, unknown>).filter((l) => typeof l === 'object' && l?.msg === msg);

interface Reponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: { code?: string; message?: string; details?: unknown };
}

/** A sign-in sent from another local address (127.0.0.2), to the api listening on 127.0.0.1. */
function connexionDepuis(adresseLocale: string, port: number, corps: unknown): Promise<Reponse> {
  return new Promise((resolve, reject) => {
    const json = JSON.stringify(corps);
    const req = httpRequest(
      { host: '127.0.0.1', port, localAddress: adresseLocale, method: 'POST', path: '/api/auth/connexion', headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(json) } },
      (res) => {
        let texte = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (texte += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(texte) as Reponse['body'] }));
      },
    );
    req.on('error', reject);
    req.end(json);
  });
}

function attendreTropDeRequetes(res: { status: number; headers: Record<string, unknown>; body: Reponse['body'] }, maximum: number) {
  expect(res.status).toBe(429);
  expect(res.body).toEqual({ code: 'TROP_DE_REQUETES', message: expect.any(String), details: { reessayerDans: expect.any(Number) } });
  const { reessayerDans } = res.body.details as { reessayerDans: number };
  expect(reessayerDans).toBeGreaterThanOrEqual(1);
  expect(reessayerDans).toBeLessThanOrEqual(maximum);
  expect(res.headers['retry-after']).toBe(String(reessayerDans));
  expect(res.body.message).toContain(`dans ${reessayerDans} seconde`);
}

describe('défenses web : limites configurées, CORS ouvert à une origine', () => {
  let api: TestApi;
  let port: number;

  beforeAll(async () => {
    api = await startTestApi('defenses_limites', {
      RATE_LIMIT_SIGNIN_PER_MINUTE: String(LIMITE_CONNEXION),
      RATE_LIMIT_WRITES_PER_SECOND: String(LIMITE_ECRITURES),
      RATE_LIMIT_READS_PER_SECOND: String(LIMITE_LECTURES),
      CORS_ORIGINS: `${ORIGINE}, https://autre.example.fr`,
    });
    await new Promise<void>((resolve) => api.server.listen(0, '127.0.0.1', resolve));
    port = (api.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await api?.close();
  });

  const connexion = (identifiant: string, motDePasse: string) => request(api.server).post('/api/auth/connexion').send({ identifiant, motDePasse });

  it('limite la connexion par adresse et identifiant : la tentative de trop répond 429 avec Retry-After, même avec le bon mot de passe', async () => {
    for (let i = 0; i < LIMITE_CONNEXION; i++) {
      expect((await connexion(IDENTIFIANT_FACILITATRICE, 'pas le bon mot de passe')).status).toBe(401);
    }
    // The identifiant is normalised before it is counted: case and spaces do not make a new budget.
    const bloquee = await connexion(` ${IDENTIFIANT_FACILITATRICE.toUpperCase()} `, MOT_DE_PASSE_DE_TEST);
    attendreTropDeRequetes(bloquee, 60);
    expect(bloquee.body.message).toContain('tentatives de connexion');

    // Another identifiant from the same address: its own budget (one attacker cannot lock everyone out).
    expect((await connexion('quelqu-un-d-autre', 'pas le bon mot de passe')).status).toBe(401);
    // The same identifiant from another address: its own budget too.
    const ailleurs = await connexionDepuis('127.0.0.2', port, { identifiant: IDENTIFIANT_FACILITATRICE, motDePasse: MOT_DE_PASSE_DE_TEST });
    expect(ailleurs.status).toBe(200);
  });

  it('journalise chaque refus sans donnée personnelle : 429 (adresse, route, limite) et connexion échouée (code)', () => {
    const limitees = lignes('rate limited');
    expect(limitees).toContainEqual(
      expect.objectContaining({ status: 429, limite: 'connexion', utilisateurId: null, adresse: '127.0.0.1', method: 'POST', route: '/api/auth/connexion' }),
    );
    expect(lignes('access denied')).toContainEqual(
      expect.objectContaining({ status: 401, code: 'IDENTIFIANTS_INVALIDES', adresse: '127.0.0.1', route: '/api/auth/connexion' }),
    );
    const tout = JSON.stringify(journal.mock.calls);
    expect(tout).not.toContain(IDENTIFIANT_FACILITATRICE);
    expect(tout).not.toContain('quelqu-un-d-autre');
    expect(tout).not.toContain(MOT_DE_PASSE_DE_TEST);
    expect(tout).not.toContain('pas le bon mot de passe');
  });

  it('limite les écritures par utilisateur (après AccesGuard) : une autre facilitatrice garde tout son budget, et ses lectures aussi', async () => {
    const autre = api.auth(await api.jetonPour('facilitatrice', { identifiant: 'facilitatrice-2' }));
    // Invalid bodies: refused with 400 by validation, which runs after the limit, so each one counts.
    const rafale = await Promise.all(Array.from({ length: LIMITE_ECRITURES * 3 }, () => api.post('/donneurs-ordre', {})));
    const statuts = rafale.map((r) => r.status);
    expect(statuts.filter((s) => s !== 429).every((s) => s === 400)).toBe(true);
    expect(statuts.filter((s) => s === 400).length).toBeGreaterThanOrEqual(LIMITE_ECRITURES);
    const refusee = rafale.find((r) => r.status === 429)!;
    expect(refusee).toBeDefined();
    attendreTropDeRequetes(refusee, 1);
    expect(refusee.body.message).toContain(`au plus ${LIMITE_ECRITURES} par seconde`);

    // Right away, while the first one is held back: the other user is counted on their own.
    const siennes = await Promise.all(Array.from({ length: LIMITE_ECRITURES }, () => api.post('/donneurs-ordre', {}, autre)));
    expect(siennes.map((r) => r.status)).toEqual(Array(LIMITE_ECRITURES).fill(400));
    // And the first one's reads are another budget.
    expect((await api.get('/auth/moi')).status).toBe(200);

    expect(lignes('rate limited')).toContainEqual(
      expect.objectContaining({ status: 429, limite: 'ecritures', utilisateurId: FACILITATRICE, adresse: null, method: 'POST', route: '/api/donneurs-ordre' }),
    );
  });

  it('limite les lectures par utilisateur', async () => {
    const auditeur = api.auth(await api.jetonPour('auditeur'));
    const rafale = await Promise.all(Array.from({ length: LIMITE_LECTURES * 3 }, () => api.get('/auth/moi', auditeur)));
    expect(rafale.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(LIMITE_LECTURES);
    const refusee = rafale.find((r) => r.status === 429)!;
    expect(refusee).toBeDefined();
    attendreTropDeRequetes(refusee, 1);
    expect(refusee.body.message).toContain('lectures');
  });

  it('ne limite pas les sondes de santé', async () => {
    const reponses = await Promise.all(Array.from({ length: LIMITE_LECTURES * 3 }, () => request(api.server).get('/health')));
    expect(reponses.map((r) => r.status)).toEqual(Array(LIMITE_LECTURES * 3).fill(200));
  });

  it('CORS : une origine configurée passe le contrôle préalable avec les en-têtes de l’API et lit Retry-After', async () => {
    const prealable = await request(api.server)
      .options('/api/donneurs-ordre')
      .set('Origin', ORIGINE)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization,content-type,idempotency-key,if-match');
    expect(prealable.status).toBe(204);
    expect(prealable.headers['access-control-allow-origin']).toBe(ORIGINE);
    const permis = String(prealable.headers['access-control-allow-headers']).toLowerCase().split(',');
    expect(permis).toEqual(expect.arrayContaining(['authorization', 'content-type', 'idempotency-key', 'if-match']));
    expect(String(prealable.headers['access-control-allow-methods'])).toContain('POST');
    expect(prealable.headers['access-control-allow-credentials']).toBeUndefined();

    const lecture = await api.get('/auth/moi', { Origin: ORIGINE }).expect(200);
    expect(lecture.headers['access-control-allow-origin']).toBe(ORIGINE);
    expect(String(lecture.headers['access-control-expose-headers'])).toContain('Retry-After');
    expect(String(lecture.headers.vary)).toContain('Origin');

    const etrangere = await api.get('/auth/moi', { Origin: 'https://pirate.example.com' }).expect(200);
    expect(etrangere.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('défenses web : réglages par défaut', () => {
  let api: TestApi;

  beforeAll(async () => {
    // Empty values count as unset: the service's own defaults, not the test helper's high limits.
    api = await startTestApi('defenses_defaut', { RATE_LIMIT_SIGNIN_PER_MINUTE: '', RATE_LIMIT_WRITES_PER_SECOND: '', RATE_LIMIT_READS_PER_SECOND: '' });
  });
  afterAll(async () => {
    await api?.close();
  });

  it('a des limites par défaut qui laissent passer un script ou un import : au moins 50 écritures par seconde et par utilisateur', () => {
    const defaut = validateConfig({});
    expect(defaut.RATE_LIMIT_WRITES_PER_SECOND).toBeGreaterThanOrEqual(50);
    expect(defaut.RATE_LIMIT_READS_PER_SECOND).toBeGreaterThanOrEqual(defaut.RATE_LIMIT_WRITES_PER_SECOND);
    expect(defaut.RATE_LIMIT_SIGNIN_PER_MINUTE).toBeGreaterThanOrEqual(5);
    expect(defaut.RATE_LIMIT_SIGNIN_PER_MINUTE).toBeLessThanOrEqual(30);
    expect(defaut.CORS_ORIGINS).toEqual([]);
  });

  it('laisse passer 50 écritures envoyées d’un coup par une facilitatrice', async () => {
    const reponses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => api.post('/donneurs-ordre', { nom: `Donneur ${i}`, type: 'collectivite', region: 'Occitanie' })),
    );
    expect(reponses.map((r) => r.status)).toEqual(Array(50).fill(201));
  });

  it('met les en-têtes de sécurité sur un 200, un 401 et un 404, sans X-Powered-By', async () => {
    const reponses = [
      await request(api.server).get('/health').expect(200),
      await api.get('/auth/moi', { Authorization: '' }).expect(401),
      await api.get('/nulle-part').expect(404),
      await request(api.server).post('/api/auth/connexion').set('Content-Type', 'text/plain').send('x').expect(415),
    ];
    for (const res of reponses) {
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
  });

  it('sert la documentation Swagger sous une CSP qui lui suffit : scripts de la même origine, styles en ligne permis là seulement', async () => {
    const page = await request(api.server).get('/api/docs').redirects(1).expect(200);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(page.headers['x-powered-by']).toBeUndefined();
    // Every script of the page is a file of this origin (no inline script, which script-src 'self' would block)…
    const scripts = [...page.text.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributs, code] of scripts) {
      expect(code.trim()).toBe('');
      const src = /src=["']([^"']+)["']/.exec(attributs)?.[1];
      expect(src).toBeDefined();
      expect(src).not.toMatch(/^(https?:)?\/\//);
      // …served as JavaScript (X-Content-Type-Options: nosniff blocks a script of another type).
      const script = await request(api.server).get(new URL(src!, 'http://localhost/api/docs/').pathname).expect(200);
      expect(script.headers['content-type']).toMatch(/javascript/);
    }
    const feuilles = [...page.text.matchAll(/<link[^>]*rel=["']stylesheet["'][^>]*>/g)].map(([lien]) => /href=["']([^"']+)["']/.exec(lien)?.[1]);
    expect(feuilles.length).toBeGreaterThan(0);
    for (const href of feuilles) {
      expect(href).not.toMatch(/^(https?:)?\/\//);
      const feuille = await request(api.server).get(new URL(href!, 'http://localhost/api/docs/').pathname).expect(200);
      expect(feuille.headers['content-type']).toMatch(/text\/css/);
    }
  });

  it('CORS fermé par défaut : aucune origine ne reçoit Access-Control-Allow-Origin', async () => {
    const lecture = await api.get('/auth/moi', { Origin: ORIGINE }).expect(200);
    expect(lecture.headers['access-control-allow-origin']).toBeUndefined();
    const prealable = await request(api.server).options('/api/donneurs-ordre').set('Origin', ORIGINE).set('Access-Control-Request-Method', 'POST');
    expect(prealable.headers['access-control-allow-origin']).toBeUndefined();
    expect(prealable.headers['access-control-allow-methods']).toBeUndefined();
  });

  it('OpenAPI : schéma bearer, sécurité sur chaque route non publique, réponses d’erreur au format ErreurApi', async () => {
    const doc = (await request(api.server).get('/api/docs/json').expect(200)).body as {
      components: { securitySchemes: Record<string, { type: string; scheme: string }>; schemas: Record<string, unknown> };
      paths: Record<string, Record<string, { operationId: string; security?: unknown; responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }>; headers?: Record<string, unknown> }> }>>;
    };
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.components.schemas.ErreurApi).toBeDefined();

    const routes = new Map(api.app.get(RoutesDeclarees).lister().map((r) => [`${r.controleur}_${r.methode}`, r.politique]));
    const operations = Object.entries(doc.paths).flatMap(([chemin, item]) => Object.entries(item).map(([methode, op]) => ({ chemin, methode, op })));
    expect(operations.length).toBe(routes.size);
    // Errors are JSON whatever the route produces (the CSV routes' errors too).
    const erreur = { 'application/json': { schema: { $ref: '#/components/schemas/ErreurApi' } } };
    let publiques = 0;
    for (const { chemin, methode, op } of operations) {
      const quoi = `${methode.toUpperCase()} ${chemin}`;
      expect([quoi, routes.has(op.operationId)]).toEqual([quoi, true]);
      const publique = routes.get(op.operationId) === 'public';
      const ecriture = methode !== 'get';
      const sonde = publique && !ecriture;
      const attendus = [
        ...(publique ? [] : ['401', '403']),
        ...(/\{[^}]+\}/.test(chemin) ? ['400', '404'] : []),
        ...(ecriture ? ['400', '413', '415'] : []),
        ...(ecriture && !publique ? ['409', '422'] : []),
        ...(sonde ? [] : ['429', '503']),
      ];
      expect([quoi, Object.keys(op.responses)]).toEqual([quoi, expect.arrayContaining(attendus)]);
      for (const statut of attendus) expect([quoi, statut, op.responses[statut].content]).toEqual([quoi, statut, erreur]);
      if (!sonde) expect([quoi, op.responses['429'].headers]).toEqual([quoi, { 'Retry-After': expect.anything() }]);
      if (publique) {
        publiques++;
        expect([quoi, op.security]).toEqual([quoi, undefined]);
      } else {
        expect([quoi, op.security]).toEqual([quoi, [{ bearer: [] }]]);
      }
    }
    // Sign-in and the two probes at least.
    expect(publiques).toBeGreaterThanOrEqual(3);
  });
});

describe('défenses web : connexions par adresse, derrière un proxy', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi('defenses_adresse', { RATE_LIMIT_SIGNIN_PER_ADDRESS_PER_MINUTE: '3', TRUST_PROXY_HOPS: '1' });
  });
  afterAll(async () => {
    await api?.close();
  });

  const depuis = (adresse: string, identifiant: string) =>
    request(api.server).post('/api/auth/connexion').set('X-Forwarded-For', adresse).send({ identifiant, motDePasse: 'pas le bon mot de passe' });

  it('limite les tentatives d’une adresse quels que soient les identifiants (chacune coûte un hachage lent), adresse lue derrière un proxy de confiance', async () => {
    for (const identifiant of ['un', 'deux', 'trois']) expect((await depuis('203.0.113.7', `${identifiant}.essai`)).status).toBe(401);
    const bloquee = await depuis('203.0.113.7', 'quatre.essai');
    attendreTropDeRequetes(bloquee, 60);
    expect(bloquee.body.message).toContain('depuis votre adresse');
    // Another client behind the same proxy keeps its own budget: the address is the forwarded one.
    expect((await depuis('198.51.100.20', 'un.essai')).status).toBe(401);
  });
});
