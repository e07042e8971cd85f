import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { AppConfig } from '@suivi/config';

const LONGUEUR_MIN = 32;
/** Values found in examples and tutorials: anyone could forge tokens signed with them. */
const SECRETS_CONNUS = ['secret', 'changeme', 'change-me', 'changeit', 'password', 'jwt-secret', 'your-secret', 'default', 'test', 'dev', 'development'];

export class AuthSecretError extends Error {}

function faible(secret: string): boolean {
  return secret.length < LONGUEUR_MIN || SECRETS_CONNUS.some((connu) => secret.toLowerCase().includes(connu));
}

/** Where the generated secret is kept outside production: the data folder (DATA_DIR). */
export function authSecretFile(config: Pick<AppConfig, 'DATA_DIR'>): string {
  return join(resolve(config.DATA_DIR), 'auth-secret');
}

/**
 * The token signing secret. In production it must be configured and strong: a service started
 * with a guessable secret would let anyone forge a token, so it refuses to start instead.
 * Elsewhere, a missing secret is generated once and kept (mode 600) in DATA_DIR.
 */
export function resolveAuthSecret(config: Pick<AppConfig, 'AUTH_SECRET' | 'NODE_ENV' | 'DATA_DIR'>): string {
  const production = config.NODE_ENV === 'production';
  if (config.AUTH_SECRET) {
    if (production && faible(config.AUTH_SECRET)) {
      throw new AuthSecretError(
        `AUTH_SECRET is too weak for production: use at least ${LONGUEUR_MIN} random characters (for example \`openssl rand -base64 48\`), never an example value.`,
      );
    }
    return config.AUTH_SECRET;
  }
  if (production) {
    throw new AuthSecretError('AUTH_SECRET must be set in production (NODE_ENV=production): at least 32 random characters, for example `openssl rand -base64 48`.');
  }
  const file = authSecretFile(config);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dirname(file), { recursive: true });
  const secret = randomBytes(48).toString('base64');
  // 'wx': two processes starting at once must not overwrite each other's secret.
  try {
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8').trim();
    throw error;
  }
  chmodSync(file, 0o600);
  return secret;
}
