import type { NestExpressApplication } from '@nestjs/platform-express';
import compression from 'compression';
import type { NextFunction, Request, Response } from 'express';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Where the built web application is: dist/web beside the compiled api (dist/apps/api/src/application-web), or
 * from the sources (tests run them) in the project's dist/web. Null when it was not built.
 */
export function dossierDeLApplicationWeb(): string | null {
  const candidats = [resolve(__dirname, '../../../../web'), resolve(__dirname, '../../../../dist/web')];
  return candidats.find((d) => existsSync(join(d, 'index.html'))) ?? null;
}

/** Paths that are the API's, never the application's pages. */
const DE_L_API = /^\/(api|health|ready)(\/|$)/;

/**
 * Serves the web application at `/`, from the same origin as the API (same sign-in, no CORS):
 * its assets (content-hashed names, cached for a year), and `index.html` for every other GET that
 * is not the API's, so that a page's address (`/marches/…`) opened directly or reloaded works.
 * The API's own 404s stay JSON.
 */
export function servirApplicationWeb(app: NestExpressApplication, dossier: string): void {
  // The page and its scripts travel compressed (a third of their size); the API's answers are left as they are.
  const compresser = compression();
  app.use((request: Request, response: Response, next: NextFunction) => (DE_L_API.test(request.path) ? next() : compresser(request, response, next)));
  app.useStaticAssets(join(dossier, 'assets'), { prefix: '/assets/', immutable: true, maxAge: '365d', index: false });
  const page = join(dossier, 'index.html');
  app.use((request: Request, response: Response, next: NextFunction) => {
    // An asset that does not exist is a 404, not the page.
    if ((request.method !== 'GET' && request.method !== 'HEAD') || DE_L_API.test(request.path) || request.path.startsWith('/assets/')) return next();
    // The page changes with each build: always asked again, never cached.
    response.setHeader('Cache-Control', 'no-cache');
    response.sendFile(page);
  });
}
