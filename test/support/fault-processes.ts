import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startApp, waitFor, type RunningProcess } from './processes';
import { mulberry32 } from './scenario-indicateurs';

/**
 * What the fault tests (test/fault-*.e2e-spec.ts) share: the api, the projector and the CLI as
 * real child processes of the built dist/ on one test database, with one secret, one master key
 * and one DATA_DIR, so that a restarted process reads what the killed one wrote; a seeded random
 * generator, so that a run's kill moments can be replayed (FAULT_SEED=<n>).
 */

export const MOT_DE_PASSE = 'mot de passe des tests de pannes';

export interface FaultEnvironment {
  env: Record<string, string>;
  port: number;
  base: string;
  dataDir: string;
  cleanup(): void;
}

/** The environment of every child on this database (in-process projectors unless told otherwise). */
export async function faultEnvironment(databaseUrl: string, extra: Record<string, string> = {}): Promise<FaultEnvironment> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'suivi-fault-'));
  const env = {
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    DATA_DIR: dataDir,
    AUTH_SECRET: randomBytes(32).toString('hex'),
    PERSONAL_DATA_KEY: randomBytes(32).toString('base64'),
    EVENT_STORE: 'postgres',
    LOG_LEVEL: 'warn',
    // A few fast clients are what the limits exist to stop: a 429 would measure the limiter.
    RATE_LIMIT_WRITES_PER_SECOND: '100000',
    RATE_LIMIT_READS_PER_SECOND: '100000',
    RATE_LIMIT_SIGNIN_PER_MINUTE: '10000',
    RATE_LIMIT_SIGNIN_PER_ADDRESS_PER_MINUTE: '100000',
    ...extra,
  };
  return { env, port, base: `http://127.0.0.1:${port}`, dataDir, cleanup: () => rmSync(dataDir, { recursive: true, force: true }) };
}

/** A CLI command run to its end: its exit code and output. */
export async function runCli(args: string[], env: Record<string, string>, timeoutMs = 120_000): Promise<{ code: number | null; output: string }> {
  const cli = startApp('cli', args, env);
  const timer = setTimeout(() => cli.child.kill('SIGKILL'), timeoutMs);
  try {
    const { code } = await cli.exited;
    return { code, output: cli.output() };
  } finally {
    clearTimeout(timer);
  }
}

/** `users:create` through the CLI, as an administrator does on a fresh store. */
export async function createUser(env: Record<string, string>, identifiant: string, role: string): Promise<void> {
  const run = await runCli(['users:create', '--identifiant', identifiant, '--role', role, '--mot-de-passe', MOT_DE_PASSE], env);
  if (run.code !== 0) throw new Error(`users:create ${identifiant} exited with ${run.code}\n${run.output.slice(-3000)}`);
}

/** An api child that can be killed and started again on the same port and database. */
export class ApiUnderTest {
  private current: RunningProcess | null = null;
  /** Output of every generation, for the diagnosis of a failure. */
  private readonly outputs: string[] = [];
  starts = 0;

  constructor(private readonly f: FaultEnvironment) {}

  get pid(): number | undefined {
    return this.current?.child.pid;
  }

  /** Starts a generation and waits until it listens (GET /health). */
  async start(timeoutMs = 90_000): Promise<void> {
    const running = this.spawn();
    let died = false;
    void running.exited.then(() => (died = true));
    await waitFor(
      async () => {
        if (died) throw new Error(`the api exited at start:\n${running.output().slice(-3000)}`);
        return this.listening();
      },
      'the api to listen',
      timeoutMs,
      50,
    ).catch((error) => {
      if (died) throw new Error(`the api exited at start:\n${running.output().slice(-3000)}`);
      throw error;
    });
  }

  /** Starts a generation without waiting for it (to kill it during its start). */
  spawn(): RunningProcess {
    const running = startApp('api', [], this.f.env);
    this.current = running;
    this.starts++;
    return running;
  }

  /** Whether GET /health answers now. */
  async listening(): Promise<boolean> {
    return fetch(`${this.f.base}/health`, { signal: AbortSignal.timeout(2_000) }).then(
      (res) => res.ok,
      () => false,
    );
  }

  /** SIGKILL: no shutdown hook, no drained request, no finished projection batch. */
  async kill(): Promise<void> {
    const running = this.current;
    if (!running) return;
    this.current = null;
    running.child.kill('SIGKILL');
    await running.exited;
    this.outputs.push(running.output());
  }

  /** SIGTERM (graceful), SIGKILL after 30 s. */
  async stop(): Promise<number | null> {
    const running = this.current;
    if (!running) return null;
    this.current = null;
    running.child.kill('SIGTERM');
    const timer = setTimeout(() => running.child.kill('SIGKILL'), 30_000);
    const { code } = await running.exited;
    clearTimeout(timer);
    this.outputs.push(running.output());
    return code;
  }

  output(): string {
    return [...this.outputs, this.current?.output() ?? ''].join('\n--- next generation\n');
  }
}

/** Every projection of the api at the head of the log, as /ready says. */
export async function waitForProjections(base: string, head: () => Promise<number>, timeoutMs = 120_000): Promise<void> {
  await waitFor(
    async () => {
      const target = await head();
      const res = await fetch(`${base}/ready`, { signal: AbortSignal.timeout(5_000) });
      if (!res.ok) return false;
      const body = (await res.json()) as { projections: Array<{ statut: string; position: number; lag: number }> };
      return body.projections.length > 0 && body.projections.every((p) => p.statut === 'ok' && p.lag === 0 && p.position >= target);
    },
    'every projection to reach the head of the log',
    timeoutMs,
    100,
  );
}

/** `POST /api/auth/connexion`: a Bearer token (the secret is fixed: it outlives the api's restarts). */
export async function signIn(base: string, identifiant: string): Promise<string> {
  const res = await fetch(`${base}/api/auth/connexion`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ identifiant, motDePasse: MOT_DE_PASSE }),
  });
  const body = (await res.json()) as { jeton?: string };
  if (!res.ok || !body.jeton) throw new Error(`sign-in of ${identifiant}: ${res.status} ${JSON.stringify(body)}`);
  return body.jeton;
}

/** A seeded generator, so that a run can be replayed (the scenarios' mulberry32). */
export const seededRandom = mulberry32;

/** FAULT_SEED when set, else a fresh one, printed at once so that a failing run can be replayed. */
export function faultSeed(): number {
  const fromEnv = process.env.FAULT_SEED;
  const seed = fromEnv !== undefined && /^\d+$/.test(fromEnv) ? Number(fromEnv) : randomBytes(4).readUInt32BE(0);
  console.log(`${expect.getState().testPath?.split('/').pop() ?? 'fault test'}: FAULT_SEED=${seed}`);
  return seed;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** JSON headers with a Bearer token. */
export function jsonHeaders(jeton: string): Record<string, string> {
  return { 'Content-Type': 'application/json', Accept: 'application/json', Authorization: `Bearer ${jeton}` };
}

/**
 * Through the api, before any fault: `marches` marchés of 2025 awarded to an entreprise, and `groups`
 * groups of `perGroup` eligible people, each with a placement on every marché. Answers the
 * placements' ids by group, person after person (with two marchés: [p0 on m0, p0 on m1, p1 on m0, ...]).
 */
export async function seedPlacements(base: string, jeton: string, groups: number, perGroup: number, siret: string, marches = 1): Promise<string[][]> {
  const write = async (path: string, body: unknown): Promise<string> => {
    const res = await fetch(`${base}/api${path}`, { method: 'POST', headers: jsonHeaders(jeton), body: JSON.stringify(body) });
    const text = await res.text();
    if (res.status !== 201) throw new Error(`seed ${path}: ${res.status} ${text}`);
    return (JSON.parse(text) as { id: string }).id;
  };
  const donneurOrdreId = await write('/donneurs-ordre', { nom: 'Métropole des pannes', type: 'collectivite', region: 'Bourgogne-Franche-Comté' });
  const operationId = await write('/operations', { donneurOrdreId, nom: 'Groupe scolaire', commune: 'Dijon' });
  const entrepriseId = await write('/entreprises', { siret, raisonSociale: 'Bâtir Ensemble', type: 'classique' });
  const marcheIds: string[] = [];
  for (let m = 0; m < marches; m++) {
    const marcheId = await write('/marches', {
      donneurOrdreId,
      operationId,
      numero: `PANNES-2025-${m + 1}`,
      objet: 'Réhabilitation',
      secteur: 'btp',
      sousSecteur: 'batiment',
      baseJuridique: 'L2112-2',
      heuresPrevues: 100_000,
      dateDebut: '2025-01-01',
      dateFin: '2025-12-31',
    });
    await write(`/marches/${marcheId}/attributions`, { entrepriseId, role: 'titulaire' });
    marcheIds.push(marcheId);
  }
  const placementsOf: string[][] = [];
  for (let g = 0; g < groups; g++) {
    const placements: string[] = [];
    for (let p = 0; p < perGroup; p++) {
      const salarieId = await write('/salaries', {
        nom: `Groupe${g}`,
        prenom: `Personne${p}`,
        sexe: p % 2 === 0 ? 'F' : 'M',
        dateNaissance: '1990-05-05',
        commune: 'Chenôve',
        quartierQpv: null,
        niveauFormation: 'infra_3',
      });
      await write(`/salaries/${salarieId}/eligibilites`, { criteres: ['brsa'], dateValidation: '2024-12-01' });
      for (const marcheId of marcheIds) {
        placements.push(await write('/placements', { salarieId, marcheId, entrepriseId, modalite: 'embauche_directe', typeContrat: 'cdi', dateDebut: '2025-01-02' }));
      }
    }
    placementsOf.push(placements);
  }
  return placementsOf;
}
