import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import helmet, { type HelmetOptions } from 'helmet';

/** Headers a browser may send to the API cross-origin (when CORS_ORIGINS allows the origin). */
export const EN_TETES_CORS_ACCEPTES = ['Authorization', 'Content-Type', 'Accept', 'Idempotency-Key', 'If-Match', 'X-Correlation-Id'];
/** Headers of our answers a cross-origin script may read. */
export const EN_TETES_CORS_EXPOSES = ['Retry-After'];

/**
 * The Content Security Policy of every answer, written for the same-origin web application that
 * will be served at `/`: everything from this origin only, no inline script, no plugin, no
 * framing. `upgrade-insecure-requests` is left out: over plain http (npm start on localhost) it
 * would send the page's own requests to an https port that does not answer; HTTPS belongs to the
 * reverse proxy, and Strict-Transport-Security keeps browsers on it.
 */
const CSP: Record<string, string[]> = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'connect-src': ["'self'"],
  'font-src': ["'self'", 'data:'],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'img-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'"],
};

/** Swagger UI loads its scripts from this origin but writes inline `<style>` blocks and style attributes. */
const CSP_DOCUMENTATION: Record<string, string[]> = { ...CSP, 'style-src': ["'self'", "'unsafe-inline'"] };

function options(directives: Record<string, string[]>): HelmetOptions {
  return {
    contentSecurityPolicy: { useDefaults: false, directives },
    xFrameOptions: { action: 'deny' },
  };
}

/**
 * Security headers (helmet) on every answer, errors and 404s included: registered before any
 * other middleware. No `X-Powered-By` (helmet removes it, and Express is told not to add it).
 * The documentation's path (`/<docsPath>`) gets the same headers with inline styles allowed.
 */
export function configurerEnTetesDeSecurite(app: NestExpressApplication, docsPath: string): void {
  app.disable('x-powered-by');
  const partout = helmet(options(CSP));
  const documentation = helmet(options(CSP_DOCUMENTATION));
  const prefixe = `/${docsPath.replace(/^\/+|\/+$/g, '')}`;
  app.use((request: Request, response: Response, next: NextFunction) => {
    const chemin = request.path;
    const estDocumentation = chemin === prefixe || chemin.startsWith(`${prefixe}/`);
    (estDocumentation ? documentation : partout)(request, response, next);
  });
}

/**
 * CORS: closed unless CORS_ORIGINS names origins; then exactly those (compared in lower case, as
 * browsers send them) may call the API from a page, without cookies (the token travels in
 * Authorization), and may read Retry-After. An origin not listed gets no Access-Control-Allow-Origin.
 */
export function configurerCors(app: NestExpressApplication, origines: readonly string[]): void {
  if (origines.length === 0) return;
  app.enableCors({
    origin: origines.map((o) => o.toLowerCase()),
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'],
    allowedHeaders: EN_TETES_CORS_ACCEPTES,
    exposedHeaders: EN_TETES_CORS_EXPOSES,
    credentials: false,
    maxAge: 600,
    optionsSuccessStatus: 204,
  });
}
