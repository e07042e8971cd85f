import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { type Command } from 'commander';
import { Pool } from 'pg';
import type { Browser } from 'playwright-core';
import { ANNEE, DEFAULT_SEED } from '../seed-demo/plan';
import { API_MAIN, apiEnv, CLI_MAIN, checkChild, DIST, requireBuilt, runChild, signIn, startApi, stopApi, waitForHealth, waitForReady, type ApiChild } from './api-process';
import { freePort, openBenchDatabase, serverInfo } from './bench-database';
import { positiveInt } from './options';
import { fixed, round } from './report';

/**
 * `bench:web`: how long the web application takes to show an acheteur their marchés, on the
 * demonstration year, in a real browser (Debian's Chromium through playwright-core).
 *
 * 1. A throwaway database filled by `seed:demo` (default seed), run as a child process: the seed's
 *    runner is not exported and needs its own Nest app, so the real command is run as a user would.
 * 2. The api (`node dist/apps/api/src/main.js`) as a child process on a free port, with secrets
 *    and a data folder of this run; measured once every projection has caught up (`GET /ready`).
 * 3. An admin and an acheteur (of the donneur d'ordre with the most marchés) created by
 *    `users:create`; their tokens from `POST /api/auth/connexion`.
 * 4. N loads of `/marches`, each in a fresh browser context (empty cache and storage) with the
 *    token put in sessionStorage before the page's scripts run: wall time until the first row of
 *    the table is visible, and the browser's own clock (navigation timing, first contentful paint,
 *    the row's insertion in the DOM, the page's `GET /api/marches`). Baseline: that same request
 *    alone from Node, N times.
 * 5. Every file of dist/web/assets (raw and gzip), and what the sign-in page actually loads.
 */

interface WebBenchOptions {
  repetitions: number;
  json?: boolean;
}

/** The request the marchés page makes (ListeMarches: TAILLE_PAGE 20, first page). */
const MARCHES_DE_LA_PAGE = '/api/marches?taillePage=20&page=1';
const LIGNE = 'table.tableau tbody tr';
const CLE_JETON = 'suivi-clauses.jeton';
const ACHETEUR = 'bench-acheteur';
const ADMIN = 'bench-admin';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PAGE_TIMEOUT_MS = 60_000;

const WEB = join(DIST, 'web');

/** This run's secrets, the same for every child (the api must read what seed:demo encrypted). */
const SECRETS = {
  auth: randomBytes(48).toString('base64url'),
  personal: randomBytes(32).toString('base64'),
};

export function registerWebBenchCommand(program: Command): void {
  program
    .command('bench:web')
    .description("load time of the marchés page of an acheteur (Chromium) on the demo year, against its API request alone; sizes of the web bundle")
    .option('--repetitions <n>', 'page loads (each in a fresh browser context) and baseline requests', positiveInt, 7)
    .option('--json', 'also write bench/results/web-<date>.json')
    .action((options: WebBenchOptions) => benchWeb(options));
}

// ---------------------------------------------------------------------------------------------

interface Chargement {
  /** Node's clock: from page.goto to the first row visible (playwright's check). */
  wallMs: number;
  /** The browser's clock, from the navigation's start. */
  responseEnd: number;
  domContentLoadedEventEnd: number;
  fcp: number | null;
  /** The first row inserted in the DOM (MutationObserver), and the next animation frame. */
  ligneDom: number | null;
  ligneFrame: number | null;
  /** The page's own GET /api/marches (resource timing: start, end). */
  apiMarches: { start: number; end: number } | null;
  apiMoi: { start: number; end: number } | null;
  lignes: number;
}

interface Fichier {
  nom: string;
  octets: number;
  gzip: number;
  chargeParConnexion: boolean;
}

interface PageDeConnexion {
  requetes: Array<{ url: string; type: string; statut: number; corps: number; transfert: number; gzip: number; encodage: string | null }>;
  corps: number;
  transfert: number;
  gzip: number;
}

interface Stats {
  median: number;
  min: number;
  max: number;
}

async function benchWeb(options: WebBenchOptions): Promise<void> {
  const started = performance.now();
  requireBuilt([
    [CLI_MAIN, 'the compiled CLI'],
    [API_MAIN, 'the compiled api'],
    [join(WEB, 'index.html'), 'the built web application'],
  ]);
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is missing (${CHROMIUM}): apt-get install -y chromium, or give its path in CHROMIUM_PATH`);
  // Loaded here only: playwright-core is a dev dependency, the other commands must not need it.
  const { chromium } = await import('playwright-core');

  if (process.env.DATABASE_URL) progress('DATABASE_URL is ignored: the bench never runs on the service database');
  progress(process.env.BENCH_DATABASE_URL ? 'creating a bench database on BENCH_DATABASE_URL' : 'starting a throwaway embedded PostgreSQL (migrated)');
  const db = await openBenchDatabase();
  const pool = new Pool({ connectionString: db.url, max: 2, application_name: 'suivi-bench-web' });
  pool.on('error', () => undefined);
  // Secrets and data folder of this run only: nothing is read from or written to ./.data.
  const dataDir = mkdtempSync(join(tmpdir(), 'suivi-bench-web-'));
  const motDePasse = randomBytes(18).toString('base64url');
  let api: ApiChild | null = null;
  let browser: Browser | null = null;
  try {
    const server = await serverInfo(pool);
    const port = await freePort();
    const env = apiEnv({ databaseUrl: db.url, port, dataDir, authSecret: SECRETS.auth, personalDataKey: SECRETS.personal });

    // 1. The demonstration year, through the real command.
    progress(`seed:demo --seed ${DEFAULT_SEED} (child process) ...`);
    const seed = await runChild([CLI_MAIN, 'seed:demo', '--seed', String(DEFAULT_SEED)], env);
    checkChild(seed, 'seed:demo');
    const evenements = Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM event_store.events')).rows[0].n);
    progress(`  ${evenements} events in ${fixed(seed.seconds, 1)} s`);

    // 2. The api, once it answers and its projections have caught up.
    const admin = await runChild([CLI_MAIN, 'users:create', '--identifiant', ADMIN, '--role', 'admin', '--mot-de-passe', motDePasse], env);
    checkChild(admin, 'users:create admin');
    progress(`starting the api on port ${port} ...`);
    const apiStarted = performance.now();
    api = startApi(env);
    const base = `http://127.0.0.1:${port}`;
    await waitForHealth(base, api);
    const apiStartSeconds = (performance.now() - apiStarted) / 1000;
    await waitForReady(base, api);
    progress(`  api up in ${fixed(apiStartSeconds, 1)} s, projections caught up after ${fixed((performance.now() - apiStarted) / 1000, 1)} s`);

    // 3. The acheteur of the donneur d'ordre with the most marchés.
    const jetonAdmin = await signIn(base, ADMIN, motDePasse);
    const donneurs = await tousLesDonneursOrdre(base, jetonAdmin);
    const donneur = [...donneurs].sort((a, b) => b.marches - a.marches || a.nom.localeCompare(b.nom))[0];
    if (!donneur) throw new Error("no donneur d'ordre after seed:demo");
    const totalMarches = donneurs.reduce((s, d) => s + d.marches, 0);
    const acheteur = await runChild(
      [CLI_MAIN, 'users:create', '--identifiant', ACHETEUR, '--role', 'acheteur', '--mot-de-passe', motDePasse, '--donneur-ordre', donneur.id],
      env,
    );
    checkChild(acheteur, 'users:create acheteur');
    await waitForReady(base, api);
    const jeton = await signIn(base, ACHETEUR, motDePasse);
    const premiere = await getJson<{ total: number; items: unknown[] }>(base, MARCHES_DE_LA_PAGE, jeton);
    if (premiere.total !== donneur.marches) throw new Error(`the acheteur sees ${premiere.total} marchés, ${donneur.marches} expected`);
    progress(`acheteur of « ${donneur.nom} »: ${donneur.marches} marchés (of ${totalMarches}, ${donneurs.length} donneurs d'ordre); ${premiere.items.length} on the first page`);

    // 4. The page in Chromium, then its request alone.
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
    const navigateur = browser.version();
    progress(`Chromium ${navigateur}: 1 warm-up load, then ${options.repetitions} loads of /marches, each in a fresh context`);
    await chargerMarches(browser, base, jeton);
    const chargements: Chargement[] = [];
    for (let i = 0; i < options.repetitions; i++) {
      const c = await chargerMarches(browser, base, jeton);
      if (c.lignes !== premiere.items.length) throw new Error(`load ${i + 1}: ${c.lignes} rows shown, ${premiere.items.length} expected`);
      chargements.push(c);
      progress(`  load ${i + 1}: ${fixed(c.wallMs, 0)} ms to the first row (FCP ${c.fcp === null ? '–' : fixed(c.fcp, 0)} ms)`);
    }
    progress(`baseline: 1 warm-up, then ${options.repetitions} × GET ${MARCHES_DE_LA_PAGE} from Node`);
    const apiSeule = (await mesurerRequetes(options.repetitions + 1, () => getJson(base, MARCHES_DE_LA_PAGE, jeton))).slice(1);
    // What the page asks in sequence before it can draw the table: who am I, then the list.
    const chaine = (
      await mesurerRequetes(options.repetitions + 1, async () => {
        await getJson(base, '/api/auth/moi', jeton);
        await getJson(base, MARCHES_DE_LA_PAGE, jeton);
      })
    ).slice(1);

    // 5. The bundle.
    const connexionPage = await pageDeConnexion(browser, base);
    const fichiers = fichiersDuBundle(connexionPage);

    const wall = stats(chargements.map((c) => c.wallMs));
    const apiStats = stats(apiSeule);
    const result = {
      date: new Date().toISOString(),
      postgres: { version: server.version, settings: server.settings, server: process.env.BENCH_DATABASE_URL ? 'external' : 'embedded' },
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model.trim(), totalMemGiB: round(totalmem() / 1024 ** 3, 1), node: process.version, chromium: navigateur },
      params: { repetitions: options.repetitions, seed: DEFAULT_SEED, annee: ANNEE, page: '/marches', apiRequest: MARCHES_DE_LA_PAGE },
      donnees: {
        evenements,
        seedSeconds: round(seed.seconds, 1),
        donneursOrdre: donneurs.length,
        marches: totalMarches,
        donneurOrdre: { id: donneur.id, nom: donneur.nom, marches: donneur.marches },
        lignesAffichees: premiere.items.length,
      },
      apiStartSeconds: round(apiStartSeconds, 2),
      page: {
        wallMs: wall,
        responseEnd: stats(chargements.map((c) => c.responseEnd)),
        domContentLoadedEventEnd: stats(chargements.map((c) => c.domContentLoadedEventEnd)),
        firstContentfulPaint: statsOuNull(chargements.map((c) => c.fcp)),
        premiereLigneDom: statsOuNull(chargements.map((c) => c.ligneDom)),
        premiereLigneFrame: statsOuNull(chargements.map((c) => c.ligneFrame)),
        apiMarchesDansLaPage: statsOuNull(chargements.map((c) => (c.apiMarches ? c.apiMarches.end - c.apiMarches.start : null))),
        apiMarchesDebut: statsOuNull(chargements.map((c) => c.apiMarches?.start ?? null)),
        apiMoiDansLaPage: statsOuNull(chargements.map((c) => (c.apiMoi ? c.apiMoi.end - c.apiMoi.start : null))),
        runs: chargements.map((c) => roundAll(c)),
      },
      baseline: { apiMarchesMs: apiStats, moiPuisMarchesMs: stats(chaine), runs: apiSeule.map((x) => round(x, 2)) },
      ratio: round(wall.median / apiStats.median, 1),
      bundle: {
        assets: fichiers,
        totalAssets: { octets: sum(fichiers.map((f) => f.octets)), gzip: sum(fichiers.map((f) => f.gzip)) },
        pageDeConnexion: connexionPage,
      },
      totalSeconds: round((performance.now() - started) / 1000, 1),
    };
    report(result);
    if (options.json) {
      mkdirSync(join('bench', 'results'), { recursive: true });
      const path = join('bench', 'results', `web-${result.date.slice(0, 10)}.json`);
      writeFileSync(path, `${JSON.stringify(result, null, 2)}\n`);
      progress(`written ${path}`);
    }
  } finally {
    await browser?.close().catch(() => undefined);
    if (api) await stopApi(api);
    await pool.end().catch(() => undefined);
    await db.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// The browser
// ---------------------------------------------------------------------------------------------

/** What the functions run in the page use of the browser (the CLI is compiled without the DOM's types). */
interface DansLaPage {
  sessionStorage: { setItem(cle: string, valeur: string): void };
  document: { querySelector(selecteur: string): unknown };
  MutationObserver: new (rappel: () => void) => { observe(cible: unknown, options: { childList: boolean; subtree: boolean }): void; disconnect(): void };
  requestAnimationFrame(rappel: () => void): number;
  performance: { now(): number; getEntriesByType(type: string): EntreeDePerformance[] };
  __ligneDom?: number;
  __ligneFrame?: number;
}

interface EntreeDePerformance {
  name: string;
  startTime: number;
  responseEnd?: number;
  domContentLoadedEventEnd?: number;
}

/** The token where the application keeps it, and a watch for the first row, before any script of the page. */
function avantLaPage({ cle, jeton, ligne }: { cle: string; jeton: string; ligne: string }): void {
  const w = globalThis as unknown as DansLaPage;
  w.sessionStorage.setItem(cle, jeton);
  const observer = new w.MutationObserver(() => {
    if (w.__ligneDom !== undefined || !w.document.querySelector(ligne)) return;
    w.__ligneDom = w.performance.now();
    w.requestAnimationFrame(() => (w.__ligneFrame = w.performance.now()));
    observer.disconnect();
  });
  observer.observe(w.document, { childList: true, subtree: true });
}

async function chargerMarches(browser: Browser, base: string, jeton: string): Promise<Chargement> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' });
  try {
    await context.addInitScript(avantLaPage, { cle: CLE_JETON, jeton, ligne: LIGNE });
    const page = await context.newPage();
    const t0 = performance.now();
    await page.goto(`${base}/marches`, { waitUntil: 'commit', timeout: PAGE_TIMEOUT_MS });
    await page.locator(LIGNE).first().waitFor({ state: 'visible', timeout: PAGE_TIMEOUT_MS });
    const wallMs = performance.now() - t0;
    // The frame after the row's insertion, and the paint entries, may come a moment later.
    await page.waitForFunction(() => (globalThis as unknown as DansLaPage).__ligneFrame !== undefined, null, { timeout: 5_000 }).catch(() => undefined);
    const mesures = await page.evaluate(() => {
      const w = globalThis as unknown as DansLaPage;
      const nav = w.performance.getEntriesByType('navigation')[0];
      const fcp = w.performance.getEntriesByType('paint').find((e) => e.name === 'first-contentful-paint');
      const ressource = (chemin: string) => {
        const r = w.performance.getEntriesByType('resource').find((e) => new URL(e.name).pathname === chemin);
        return r ? { start: r.startTime, end: r.responseEnd ?? NaN } : null;
      };
      return {
        responseEnd: nav?.responseEnd ?? NaN,
        domContentLoadedEventEnd: nav?.domContentLoadedEventEnd ?? NaN,
        fcp: fcp?.startTime ?? null,
        ligneDom: w.__ligneDom ?? null,
        ligneFrame: w.__ligneFrame ?? null,
        apiMarches: ressource('/api/marches'),
        apiMoi: ressource('/api/auth/moi'),
      };
    });
    const lignes = await page.locator(LIGNE).count();
    return { wallMs, ...mesures, lignes };
  } finally {
    await context.close();
  }
}

/** The sign-in page as a first visit loads it (fresh context, no token): every response, its body and what went over the wire. */
async function pageDeConnexion(browser: Browser, base: string): Promise<PageDeConnexion> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' });
  try {
    const page = await context.newPage();
    const attente: Array<Promise<PageDeConnexion['requetes'][number] | null>> = [];
    page.on('requestfinished', (request) => {
      attente.push(
        (async () => {
          const response = await request.response();
          if (!response) return null;
          const corps = await response.body().catch(() => Buffer.alloc(0));
          const sizes = await request.sizes();
          const url = new URL(request.url());
          return {
            url: url.origin === base ? url.pathname : request.url(),
            type: request.resourceType(),
            statut: response.status(),
            corps: corps.length,
            transfert: sizes.responseBodySize + sizes.responseHeadersSize,
            gzip: gzipSync(corps).length,
            encodage: (await response.allHeaders())['content-encoding'] ?? null,
          };
        })(),
      );
    });
    await page.goto(`${base}/`, { waitUntil: 'networkidle', timeout: PAGE_TIMEOUT_MS });
    await page.getByLabel('Identifiant').waitFor({ timeout: PAGE_TIMEOUT_MS });
    const requetes = (await Promise.all(attente)).filter((r): r is NonNullable<typeof r> => r !== null);
    return { requetes, corps: sum(requetes.map((r) => r.corps)), transfert: sum(requetes.map((r) => r.transfert)), gzip: sum(requetes.map((r) => r.gzip)) };
  } finally {
    await context.close();
  }
}

function fichiersDuBundle(connexion: PageDeConnexion): Fichier[] {
  const dossier = join(WEB, 'assets');
  const charges = new Set(connexion.requetes.map((r) => r.url));
  return readdirSync(dossier)
    .filter((nom) => statSync(join(dossier, nom)).isFile())
    .sort()
    .map((nom) => {
      const contenu = readFileSync(join(dossier, nom));
      return { nom, octets: contenu.length, gzip: gzipSync(contenu).length, chargeParConnexion: charges.has(`/assets/${nom}`) };
    });
}

// ---------------------------------------------------------------------------------------------
// The api's answers
// ---------------------------------------------------------------------------------------------

async function getJson<T>(base: string, chemin: string, jeton: string): Promise<T> {
  const res = await fetch(`${base}${chemin}`, { headers: { Accept: 'application/json', Authorization: `Bearer ${jeton}` } });
  const texte = await res.text();
  if (!res.ok) throw new Error(`GET ${chemin}: ${res.status} ${texte.slice(0, 500)}`);
  return JSON.parse(texte) as T;
}

interface DonneurOrdre {
  id: string;
  nom: string;
  marches: number;
}

async function tousLesDonneursOrdre(base: string, jeton: string): Promise<DonneurOrdre[]> {
  const tous: DonneurOrdre[] = [];
  for (let page = 1; ; page++) {
    const l = await getJson<{ items: DonneurOrdre[]; total: number }>(base, `/api/donneurs-ordre?taillePage=500&page=${page}`, jeton);
    tous.push(...l.items);
    if (l.items.length === 0 || tous.length >= l.total) return tous;
  }
}

async function mesurerRequetes(n: number, run: () => Promise<unknown>): Promise<number[]> {
  const durees: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await run();
    durees.push(performance.now() - t0);
  }
  return durees;
}


// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------

function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median: round(median, 1), min: round(sorted[0], 1), max: round(sorted[sorted.length - 1], 1) };
}

function statsOuNull(values: Array<number | null>): Stats | null {
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v));
  return present.length === values.length && present.length > 0 ? stats(present) : null;
}

function roundAll(c: Chargement) {
  const r = (x: number | null) => (x === null ? null : round(x, 1));
  const span = (s: { start: number; end: number } | null) => (s ? { start: round(s.start, 1), end: round(s.end, 1) } : null);
  return {
    wallMs: round(c.wallMs, 1),
    responseEnd: r(c.responseEnd),
    domContentLoadedEventEnd: r(c.domContentLoadedEventEnd),
    fcp: r(c.fcp),
    ligneDom: r(c.ligneDom),
    ligneFrame: r(c.ligneFrame),
    apiMoi: span(c.apiMoi),
    apiMarches: span(c.apiMarches),
  };
}

const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
const kb = (n: number) => fixed(n / 1024, 1);

interface Result {
  postgres: { version: string; settings: string; server: string };
  machine: { cpus: number; cpuModel?: string; totalMemGiB: number; node: string; chromium: string };
  params: { repetitions: number; seed: number; annee: number; apiRequest: string };
  donnees: { evenements: number; seedSeconds: number; donneursOrdre: number; marches: number; donneurOrdre: { nom: string; marches: number }; lignesAffichees: number };
  apiStartSeconds: number;
  page: {
    wallMs: Stats;
    responseEnd: Stats;
    domContentLoadedEventEnd: Stats;
    firstContentfulPaint: Stats | null;
    premiereLigneDom: Stats | null;
    premiereLigneFrame: Stats | null;
    apiMarchesDansLaPage: Stats | null;
    apiMarchesDebut: Stats | null;
    apiMoiDansLaPage: Stats | null;
  };
  baseline: { apiMarchesMs: Stats; moiPuisMarchesMs: Stats };
  ratio: number;
  bundle: { assets: Fichier[]; totalAssets: { octets: number; gzip: number }; pageDeConnexion: PageDeConnexion };
  totalSeconds: number;
}

function report(r: Result): void {
  const md = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;
  const ms = (s: Stats | null) => (s ? [fixed(s.median, 1), fixed(s.min, 1), fixed(s.max, 1)] : ['–', '–', '–']);
  const apiMedian = r.baseline.apiMarchesMs.median;
  const x = (s: Stats | null) => (s ? `${fixed(s.median / apiMedian, 1)}×` : '–');
  const p = r.page;
  const c = r.bundle.pageDeConnexion;
  const encodages = [...new Set(c.requetes.map((q) => q.encodage ?? 'none'))].join(', ');
  const lines = [
    '',
    `bench:web — PostgreSQL ${r.postgres.version} (${r.postgres.server}, ${r.postgres.settings}); ${r.machine.cpus} CPUs (${r.machine.cpuModel ?? '?'}), ` +
      `${r.machine.totalMemGiB} GiB, Node ${r.machine.node}, Chromium ${r.machine.chromium} (headless)`,
    `data: seed:demo --seed ${r.params.seed} (year ${r.params.annee}): ${r.donnees.evenements} events in ${fixed(r.donnees.seedSeconds, 1)} s, ` +
      `${r.donnees.marches} marchés of ${r.donnees.donneursOrdre} donneurs d'ordre; acheteur of « ${r.donnees.donneurOrdre.nom} » ` +
      `(${r.donnees.donneurOrdre.marches} marchés, ${r.donnees.lignesAffichees} rows on the first page)`,
    `/marches loaded ${r.params.repetitions} times after 1 warm-up, each in a fresh browser context (cold HTTP cache, token put in sessionStorage by an init script); ` +
      `api in a child process, projections caught up`,
    '',
    md(['ms (median of ' + r.params.repetitions + ')', 'median', 'min', 'max', '× API alone']),
    md(['---', '---:', '---:', '---:', '---:']),
    md(['**page: goto → first row visible** (Node clock, playwright)', ...ms(p.wallMs), `**${fixed(r.ratio, 1)}×**`]),
    md(['browser: first row in the DOM (MutationObserver)', ...ms(p.premiereLigneDom), x(p.premiereLigneDom)]),
    md(['browser: next animation frame after it', ...ms(p.premiereLigneFrame), x(p.premiereLigneFrame)]),
    md(['browser: navigation responseEnd (index.html)', ...ms(p.responseEnd), x(p.responseEnd)]),
    md(['browser: domContentLoadedEventEnd', ...ms(p.domContentLoadedEventEnd), x(p.domContentLoadedEventEnd)]),
    md(['browser: first-contentful-paint', ...ms(p.firstContentfulPaint), x(p.firstContentfulPaint)]),
    md(["browser: the page's GET /api/auth/moi (duration)", ...ms(p.apiMoiDansLaPage), x(p.apiMoiDansLaPage)]),
    md(["browser: the page's GET /api/marches starts at", ...ms(p.apiMarchesDebut), x(p.apiMarchesDebut)]),
    md(["browser: the page's GET /api/marches (duration)", ...ms(p.apiMarchesDansLaPage), x(p.apiMarchesDansLaPage)]),
    md([`**baseline: GET ${r.params.apiRequest} alone** (Node fetch, keep-alive, after 1 warm-up)`, ...ms(r.baseline.apiMarchesMs), '1.0×']),
    md(['baseline: GET /api/auth/moi then that GET, in sequence (what the page waits for)', ...ms(r.baseline.moiPuisMarchesMs), x(r.baseline.moiPuisMarchesMs)]),
    '',
    `Bundle (dist/web/assets; gzip = node:zlib level 6; the api answered the sign-in page with content-encoding: ${encodages}):`,
    '',
    md(['file', 'raw KiB', 'gzip KiB', 'loaded by the sign-in page']),
    md(['---', '---:', '---:', '---']),
    ...r.bundle.assets.map((f) => md([f.nom, kb(f.octets), kb(f.gzip), f.chargeParConnexion ? 'yes' : 'no'])),
    md(['**all of dist/web/assets**', kb(r.bundle.totalAssets.octets), kb(r.bundle.totalAssets.gzip), '']),
    '',
    `Sign-in page (fresh context, no token, until network idle): ${c.requetes.length} requests`,
    '',
    md(['request', 'type', 'status', 'body KiB', 'over the wire KiB (body + headers)', 'gzip KiB (if compressed)']),
    md(['---', '---', '---:', '---:', '---:', '---:']),
    ...c.requetes.map((q) => md([q.url, q.type, q.statut, kb(q.corps), kb(q.transfert), kb(q.gzip)])),
    md(['**total**', '', '', `**${kb(c.corps)}**`, `**${kb(c.transfert)}**`, `**${kb(c.gzip)}**`]),
    '',
    `api start (spawn → /health): ${fixed(r.apiStartSeconds, 1)} s; whole bench: ${fixed(r.totalSeconds, 1)} s`,
    '',
  ];
  console.log(lines.join('\n'));
}

function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}
