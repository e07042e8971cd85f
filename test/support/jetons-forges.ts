import { randomBytes, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';

/**
 * Tokens the api must refuse, built from a real one: expired, altered, unsigned, signed with another
 * secret, naming nobody. The claims match apps/api/src/acces/jetons.ts (HS256, issuer, audience,
 * payload { sub, mdp }). `secret` is the AUTH_SECRET the test api was started with.
 */
export const EMETTEUR_JETON = 'suivi-clauses';
export const AUDIENCE_JETON = 'suivi-clauses-api';

export interface ContenuJeton {
  sub: string;
  mdp: string;
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The payload of a token, unverified (the test's own tokens). */
export function contenuDe(jeton: string): ContenuJeton & { iat: number; exp: number } {
  const contenu = jwt.decode(jeton);
  if (!contenu || typeof contenu === 'string' || typeof contenu.sub !== 'string' || typeof contenu.mdp !== 'string') {
    throw new Error(`not a token of the api: ${jeton.slice(0, 20)}…`);
  }
  return contenu as ContenuJeton & { iat: number; exp: number };
}

/** Correctly signed with the api's secret, for this payload, valid from `iat` to `exp` (seconds since the epoch). */
export function jetonSigne(secret: string, contenu: ContenuJeton, fenetre?: { iat: number; exp: number }): string {
  const maintenant = Math.floor(Date.now() / 1000);
  const { iat, exp } = fenetre ?? { iat: maintenant, exp: maintenant + 600 };
  return jwt.sign({ sub: contenu.sub, mdp: contenu.mdp, iat, exp }, secret, { algorithm: 'HS256', issuer: EMETTEUR_JETON, audience: AUDIENCE_JETON });
}

/** The same user and password fingerprint, properly signed, but expired an hour ago. */
export function jetonExpire(secret: string, jeton: string): string {
  const maintenant = Math.floor(Date.now() / 1000);
  return jetonSigne(secret, contenuDe(jeton), { iat: maintenant - 7200, exp: maintenant - 3600 });
}

/** The payload changed (its life extended by a day) under the original signature. */
export function jetonSignatureAlteree(jeton: string): string {
  const [entete, , signature] = jeton.split('.');
  const contenu = jwt.decode(jeton) as Record<string, unknown>;
  return `${entete}.${base64url({ ...contenu, exp: (contenu.exp as number) + 86_400 })}.${signature}`;
}

/** `alg: none`: the payload of a real token, unsigned. */
export function jetonAlgNone(jeton: string): string {
  const contenu = jwt.decode(jeton) as Record<string, unknown>;
  return `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(contenu)}.`;
}

/** Every claim right, signed with a secret that is not the api's. */
export function jetonAutreSecret(jeton: string): string {
  return jetonSigne(randomBytes(32).toString('hex'), contenuDe(jeton));
}

/** Correctly signed, for a user id no stream knows. */
export function jetonSujetInconnu(secret: string): string {
  return jetonSigne(secret, { sub: randomUUID(), mdp: 'AAAAAAAAAAAAAAAA' });
}
