import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * scrypt with one of OWASP's recommended settings (N=2^15, r=8, p=3: 32 MiB, a few tenths of a
 * second): slow for a password guesser, bearable for one sign-in. The settings travel in the
 * hash, so raising them later leaves earlier hashes verifiable.
 */
const PARAMETRES = { N: 2 ** 15, r: 8, p: 3 };
const LONGUEUR = 32;

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, LONGUEUR, { ...options, maxmem: 256 * options.N! * options.r! }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

/** `scrypt$N$r$p$salt$hash`, salt and hash in base64. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, PARAMETRES);
  return ['scrypt', PARAMETRES.N, PARAMETRES.r, PARAMETRES.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await derive(password, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p) });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/**
 * A hash no password matches, verified when the identifiant is unknown: a sign-in takes as long
 * whether the account exists or not, so timing does not tell which identifiants exist.
 */
let leurre: Promise<string> | null = null;
export function decoyHash(): Promise<string> {
  leurre ??= hashPassword(randomBytes(32).toString('base64'));
  return leurre;
}
