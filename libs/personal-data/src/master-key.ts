import { randomBytes } from 'node:crypto';
import { type AppConfig, resolveGeneratedSecret } from '@suivi/config';

/** The master key that wraps each person's key: PERSONAL_DATA_KEY, or generated into DATA_DIR outside production. */
export function resolveMasterKey(config: Pick<AppConfig, 'PERSONAL_DATA_KEY' | 'NODE_ENV' | 'DATA_DIR'>): Buffer {
  const encoded = resolveGeneratedSecret({
    name: 'PERSONAL_DATA_KEY',
    value: config.PERSONAL_DATA_KEY,
    production: config.NODE_ENV === 'production',
    dataDir: config.DATA_DIR,
    file: 'personal-data-key',
    generate: () => randomBytes(32).toString('base64'),
    weakness: (value) => (Buffer.from(value, 'base64').length === 32 ? null : 'it must be 32 random bytes in base64 (for example `openssl rand -base64 32`)'),
  });
  const key = Buffer.from(encoded, 'base64');
  if (key.length !== 32) throw new Error('PERSONAL_DATA_KEY must be 32 bytes in base64 (for example `openssl rand -base64 32`)');
  return key;
}
