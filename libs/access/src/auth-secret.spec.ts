import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthSecretError, authSecretFile, resolveAuthSecret } from './auth-secret';

describe('the token signing secret', () => {
  let dir: string;
  const config = (over: { AUTH_SECRET?: string; NODE_ENV?: string } = {}) => ({ DATA_DIR: join(dir, 'data'), ...over });

  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'suivi-secret-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('in production, refuses to start without AUTH_SECRET', () => {
    expect(() => resolveAuthSecret(config({ NODE_ENV: 'production' }))).toThrow(AuthSecretError);
  });

  it.each(['changeme-changeme-changeme-changeme', 'short', 'my-jwt-secret-that-is-long-enough-to-pass'])('in production, refuses the weak or example secret %p', (secret) => {
    expect(() => resolveAuthSecret(config({ NODE_ENV: 'production', AUTH_SECRET: secret }))).toThrow(/too weak/);
  });

  it('in production, takes a strong configured secret as is (32 characters at least)', () => {
    const secret = 'k3J9pQ2vX8mN4rT7wY1zA6bC5dE0fG2h';
    expect(resolveAuthSecret(config({ NODE_ENV: 'production', AUTH_SECRET: secret }))).toBe(secret);
    expect(() => resolveAuthSecret(config({ NODE_ENV: 'production', AUTH_SECRET: secret.slice(1) }))).toThrow(/too weak/);
  });

  it('elsewhere, generates one into the data folder (mode 600) and keeps it across restarts', () => {
    const first = resolveAuthSecret(config());
    expect(first.length).toBeGreaterThanOrEqual(64);
    const file = authSecretFile(config());
    expect(file).toBe(join(dir, 'data', 'auth-secret'));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim()).toBe(first);
    expect(resolveAuthSecret(config())).toBe(first);
  });
});
