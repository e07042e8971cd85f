import { randomBytes } from 'node:crypto';
import { type AppConfig, generatedSecretFile, resolveGeneratedSecret, SecretConfigError } from '@suivi/config';

const LONGUEUR_MIN = 32;
/** Values found in examples and tutorials: anyone could forge tokens signed with them. */
const SECRETS_CONNUS = ['secret', 'changeme', 'change-me', 'changeit', 'password', 'jwt-secret', 'your-secret', 'default', 'test', 'dev', 'development'];

export { SecretConfigError as AuthSecretError };

/** Where the generated secret is kept outside production: the data folder (DATA_DIR). */
export function authSecretFile(config: Pick<AppConfig, 'DATA_DIR'>): string {
  return generatedSecretFile(config.DATA_DIR, 'auth-secret');
}

/**
 * The token signing secret. In production it must be configured and strong: a service started
 * with a guessable secret would let anyone forge a token, so it refuses to start instead.
 */
export function resolveAuthSecret(config: Pick<AppConfig, 'AUTH_SECRET' | 'NODE_ENV' | 'DATA_DIR'>): string {
  return resolveGeneratedSecret({
    name: 'AUTH_SECRET',
    value: config.AUTH_SECRET,
    production: config.NODE_ENV === 'production',
    dataDir: config.DATA_DIR,
    file: 'auth-secret',
    generate: () => randomBytes(48).toString('base64'),
    weakness: (secret) =>
      secret.length < LONGUEUR_MIN || SECRETS_CONNUS.some((connu) => secret.toLowerCase().includes(connu))
        ? `too weak: use at least ${LONGUEUR_MIN} random characters (for example \`openssl rand -base64 48\`), never an example value`
        : null,
  });
}
