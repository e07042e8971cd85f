import { createHash, randomUUID } from 'node:crypto';

/** Namespace of our name-based ids (a fixed random uuid). */
const NAMESPACE = Buffer.from('6f1c1d0e8a5b4c7e9b2f3a4d5e6f7081', 'hex');

/**
 * RFC 4122 version 5 (SHA-1, name-based) uuid: the same name always gives the same id.
 * Written here because the `uuid` package is ESM-only from v12 on, which Jest's CommonJS mode cannot load.
 */
export function uuidV5(name: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(name, 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** A new id: random, or derived from the request's idempotency seed so that a retry gets the same one. */
export function newId(seed: string | undefined, purpose: string): string {
  return seed ? uuidV5(`${seed}|id|${purpose}`) : randomUUID();
}

/**
 * A declaration is the one of its placement and month (later changes are corrections), so its id
 * is derived from them: two requests declaring the same month at once write the same locator,
 * and the one refused leaves nothing behind.
 */
export function declarationIdDe(placementId: string, mois: string): string {
  return uuidV5(`declaration|${placementId.toLowerCase()}|${mois}`);
}
