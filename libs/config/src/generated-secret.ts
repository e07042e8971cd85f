import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export class SecretConfigError extends Error {}

export interface GeneratedSecret {
  /** The variable's name, for the messages. */
  name: string;
  /** Its configured value, if any. */
  value: string | undefined;
  production: boolean;
  /** DATA_DIR: where a generated value is kept outside production. */
  dataDir: string;
  /** File name in DATA_DIR. */
  file: string;
  /** Makes a new random value. */
  generate(): string;
  /** Why a value is unfit for production, or null. */
  weakness(value: string): string | null;
}

/** Where a generated secret is kept outside production. */
export function generatedSecretFile(dataDir: string, file: string): string {
  return join(resolve(dataDir), file);
}

/**
 * A secret of the service: configured (and strong) in production, where a missing or weak one
 * stops the start; elsewhere generated once and kept (mode 600) in DATA_DIR, so that the
 * one-command start works on a fresh clone and the secret survives restarts.
 */
export function resolveGeneratedSecret(s: GeneratedSecret): string {
  if (s.value) {
    const weakness = s.production ? s.weakness(s.value) : null;
    if (weakness) throw new SecretConfigError(`${s.name} is unfit for production: ${weakness}`);
    return s.value;
  }
  if (s.production) throw new SecretConfigError(`${s.name} must be set in production (NODE_ENV=production).`);
  const path = generatedSecretFile(s.dataDir, s.file);
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  mkdirSync(dirname(path), { recursive: true });
  const secret = s.generate();
  // 'wx': two processes starting at once must not overwrite each other's secret.
  try {
    writeFileSync(path, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(path, 'utf8').trim();
    throw error;
  }
  chmodSync(path, 0o600);
  return secret;
}
