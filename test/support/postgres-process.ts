import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from './processes';

const EMBEDDED = join(__dirname, '..', '..', 'dist', 'libs', 'database', 'src', 'embedded-postgres.js');

export interface PostgresProcess {
  /** URL of the maintenance database `postgres`. */
  url: string;
  /** Fast shutdown (connections are terminated, a checkpoint written), resolved once the server is down. */
  stop(): Promise<void>;
  /**
   * Immediate shutdown (SIGQUIT to the postmaster): every server process exits at once, no checkpoint,
   * as after a crash; the next start replays the WAL (crash recovery).
   */
  crash(): Promise<void>;
}

/**
 * An embedded PostgreSQL that a test can stop and start again (same folder, same port). It runs
 * in a child process of the built code: the `embedded-postgres` package is ESM-only, which jest
 * cannot import without --experimental-vm-modules. `env` is added to the server's environment (e.g. a
 * slow disk preloaded, test/fault-slow-disk).
 */
export function startPostgresProcess(options: { dataDir: string; port: number; env?: Record<string, string> }): Promise<PostgresProcess> {
  const { env, ...server } = options;
  const script = `
    const { startEmbeddedPostgres } = require(${JSON.stringify(EMBEDDED)});
    startEmbeddedPostgres(${JSON.stringify(server)}).then(
      (server) => {
        console.log('READY ' + server.url);
        const stop = () => server.stop().then(() => process.exit(0), () => process.exit(1));
        process.once('SIGTERM', stop);
        process.stdin.on('end', stop); // the test process went away
        process.stdin.resume();
      },
      (error) => { console.error(error); process.exit(1); },
    );`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      output += d;
      const match = /READY (\S+)/.exec(output);
      if (!match) return;
      child.stdout!.off('data', onData);
      resolve({
        url: match[1],
        stop: async () => {
          child.kill('SIGTERM');
          await exited;
        },
        crash: async () => {
          const pid = Number(readFileSync(join(options.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
          process.kill(pid, 'SIGQUIT');
          const gone = async () => {
            try {
              process.kill(pid, 0);
              return false;
            } catch {
              return true;
            }
          };
          await waitFor(gone, 'the postmaster to exit', 30_000, 20);
          // The wrapper would wait for a server that is gone: it goes too, without its hooks.
          child.kill('SIGKILL');
          await exited;
        },
      });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d) => (output += d));
    void exited.then((code) => reject(new Error(`embedded PostgreSQL exited (${code}) before it was ready:\n${output}`)));
  });
}
