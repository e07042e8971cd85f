import type { RunningPostgres } from '../../libs/database/src/embedded-postgres';

export default async function globalTeardown(): Promise<void> {
  const server = (globalThis as any).__embeddedPostgres as RunningPostgres | undefined;
  await server?.stop();
}
