import type { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { UserDirectory, utilisateurIdDe } from '@suivi/access';
import { validateConfig } from '@suivi/config';
import type { Role } from '@suivi/domain';
import { Jetons } from '../../apps/api/src/acces/jetons';
import { createApiApp } from '../../apps/api/src/api-app';
import { createMigratedTestDatabase } from './test-database';

export const IDENTIFIANT_FACILITATRICE = 'facilitatrice-1';
/** The user id behind the test client's default token: every event it writes carries it. */
export const FACILITATRICE = utilisateurIdDe(IDENTIFIANT_FACILITATRICE);
export const MOT_DE_PASSE_DE_TEST = 'mot de passe de test assez long';

export interface UtilisateurDeTest {
  identifiant?: string;
  donneurOrdreId?: string | null;
}

const setup = { userId: 'test-setup', correlationId: 'test-setup', causationId: null };

/** Creates (once) a user of this role in the app's store and answers a token of theirs. */
export async function jetonDeTest(app: INestApplication, role: Role, utilisateur: UtilisateurDeTest = {}): Promise<string> {
  const annuaire = app.get(UserDirectory);
  const identifiant = utilisateur.identifiant ?? (role === 'facilitatrice' ? IDENTIFIANT_FACILITATRICE : `${role}-1`);
  const id = utilisateurIdDe(identifiant);
  let existing = await annuaire.lire(id);
  if (!existing) {
    await annuaire.creer({ identifiant, role, motDePasse: MOT_DE_PASSE_DE_TEST, donneurOrdreId: utilisateur.donneurOrdreId ?? null }, { ...setup, now: new Date() });
    existing = await annuaire.lire(id);
  }
  return (await app.get(Jetons).emettre(existing!)).jeton;
}

/**
 * The real api on its own fresh database, and a small client speaking as a signed-in
 * facilitatrice (`Authorization: Bearer`). `headers` override it: `{ Authorization: '' }`
 * sends no token, `api.auth(jeton)` another user's.
 */
export async function startTestApi(prefix: string, env: Record<string, string> = {}) {
  return startTestApiOn(await createMigratedTestDatabase(prefix), env);
}

/** `startTestApi` on a database of the caller's (migrated), e.g. on a PostgreSQL the test stops or slows down. */
export async function startTestApiOn(db: { url: string; drop(): Promise<void> }, env: Record<string, string> = {}) {
  const config = validateConfig({ DATABASE_URL: db.url, LOG_LEVEL: 'warn', AUTH_SECRET: randomBytes(32).toString('hex'), RATE_LIMIT_SIGNIN_PER_MINUTE: '10000', RATE_LIMIT_SIGNIN_PER_ADDRESS_PER_MINUTE: '100000', RATE_LIMIT_WRITES_PER_SECOND: '100000', RATE_LIMIT_READS_PER_SECOND: '100000', ...env });
  const app: INestApplication = await createApiApp({ config, databaseUrl: db.url });
  await app.init();
  const server = app.getHttpServer();
  const tokens = new Map<string, string>();

  /** A user of this role (created once per identifiant) and a token of theirs. */
  async function jetonPour(role: Role, utilisateur: UtilisateurDeTest = {}): Promise<string> {
    const key = utilisateur.identifiant ?? role;
    if (!tokens.has(key)) tokens.set(key, await jetonDeTest(app, role, utilisateur));
    return tokens.get(key)!;
  }

  const facilitatrice = await jetonPour('facilitatrice');
  const withHeaders = (req: request.Test, headers: Record<string, string>) => {
    for (const [k, v] of Object.entries({ Authorization: `Bearer ${facilitatrice}`, ...headers })) if (v !== '') req.set(k, v);
    return req;
  };
  return {
    app,
    db,
    server,
    annuaire: app.get(UserDirectory),
    /** The facilitatrice's headers, for requests built by hand. */
    entetes: { Authorization: `Bearer ${facilitatrice}` } as Record<string, string>,
    jetonPour,
    /** Headers that send this token instead of the facilitatrice's. */
    auth: (jeton: string): Record<string, string> => ({ Authorization: `Bearer ${jeton}` }),
    post: (path: string, body: unknown, headers: Record<string, string> = {}) => withHeaders(request(server).post(`/api${path}`), headers).send(body as object),
    put: (path: string, body: unknown, headers: Record<string, string> = {}) => withHeaders(request(server).put(`/api${path}`), headers).send(body as object),
    get: (path: string, headers: Record<string, string> = {}) => withHeaders(request(server).get(`/api${path}`), headers),
    async close() {
      await app.close();
      await db.drop();
    },
  };
}

export type TestApi = Awaited<ReturnType<typeof startTestApiOn>>;
