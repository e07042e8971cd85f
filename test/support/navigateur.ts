import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { MOT_DE_PASSE_DE_TEST, startTestApi, type TestApi } from './api-app';

/** Debian's Chromium (`apt-get install -y chromium`): playwright's own browser builds cannot be downloaded here. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CAPTURES = join(__dirname, '../../docs/screenshots');

const absent = `Chromium est absent (${CHROMIUM}) : installez-le avec « apt-get install -y chromium » (.ci/run le fait), ou donnez son chemin dans CHROMIUM_PATH.`;

/**
 * `describe` for the browser tests: they run where Chromium is; elsewhere they are skipped with the
 * reason printed (a laptop without Chromium), except under `.ci/run` (BROWSER_TESTS_REQUIRED=1) or
 * with CI=true, where a missing browser fails them: CI never passes without having run them.
 */
export function decrireDansLeNavigateur(nom: string, fn: () => void): void {
  const requis = process.env.BROWSER_TESTS_REQUIRED === '1' || process.env.CI === 'true';
  if (existsSync(CHROMIUM) || requis) return describe(nom, fn);
  console.warn(`tests du navigateur non lancés : ${absent}`);
  describe.skip(nom, fn);
}

/** The api listening on a free port, and a headless Chromium pointed at it. */
export async function demarrerAvecNavigateur(prefixe: string, env: Record<string, string> = {}) {
  if (!existsSync(CHROMIUM)) throw new Error(absent);
  const api = await startTestApi(prefixe, env);
  await api.app.listen(0, '127.0.0.1');
  const { port } = api.app.getHttpServer().address() as AddressInfo;
  // As root (CI), Chromium's sandbox cannot start: the pages are our own.
  const navigateur = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  return { api, navigateur, base: `http://127.0.0.1:${port}`, fermer: async () => Promise.all([navigateur.close(), api.close()]) };
}

export type AvecNavigateur = Awaited<ReturnType<typeof demarrerAvecNavigateur>>;

/** A fresh page (its own session) signed in through the sign-in form; the user exists (api.jetonPour). */
export async function connecter(navigateur: Browser, base: string, identifiant: string, options: { largeur?: number } = {}): Promise<Page> {
  const page = await navigateur.newPage({ viewport: { width: options.largeur ?? 1280, height: 900 }, locale: 'fr-FR' });
  await page.goto(`${base}/`);
  await page.getByLabel('Identifiant').fill(identifiant);
  await page.getByLabel('Mot de passe').fill(MOT_DE_PASSE_DE_TEST);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByRole('navigation', { name: 'Menu principal' }).waitFor();
  return page;
}

/** Writes docs/screenshots/<nom>.png (shown in the README). */
export async function capturer(page: Page, nom: string): Promise<void> {
  mkdirSync(CAPTURES, { recursive: true });
  await page.screenshot({ path: join(CAPTURES, `${nom}.png`), fullPage: true });
}

export type { TestApi };
