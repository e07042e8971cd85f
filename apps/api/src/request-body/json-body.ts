import { BadRequestException, HttpException, HttpStatus, PayloadTooLargeException, UnsupportedMediaTypeException } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { json, type NextFunction, type Request, type Response } from 'express';

/** The largest body a write takes: a write names one fact, a few hundred bytes. */
export const JSON_BODY_LIMIT = '100kb';

/** Our bodies are at most 2 levels deep; deeper ones are refused before anything walks them. */
export const MAX_JSON_DEPTH = 32;

/**
 * JSON bodies only, bounded in size and depth, every refusal in the API's error shape.
 * Replaces Nest's default parsers (registered with `bodyParser: false`), whose errors carry no
 * code of ours and which also parse url-encoded forms that no route takes.
 */
export function configureJsonBody(app: NestExpressApplication, fileUploadPaths: readonly string[]): void {
  const parse = json({ limit: JSON_BODY_LIMIT });
  // A file upload's route reads its multipart body itself (bounded there); every other body is JSON.
  app.use((request: Request, response: Response, next: NextFunction) =>
    fileUploadPaths.includes(request.path) && request.method === 'POST' ? next() : refuseNonJson(request, response, next),
  );
  // Nest turns the parser's SyntaxError into a bare 400; ours carries the code that says why.
  app.use((request: Request, response: Response, next: NextFunction) => parse(request, response, (error?: unknown) => next(error ? bodyParserError(error) : undefined)));
  app.use(refuseDeepJson);
}

function refuseNonJson(request: Request, _response: Response, next: NextFunction): void {
  const hasBody = Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined;
  if (hasBody && !request.is('application/json')) {
    return next(
      new UnsupportedMediaTypeException({
        code: 'TYPE_DE_CONTENU_NON_SUPPORTE',
        message: 'Envoyez le corps en JSON, avec l’en-tête Content-Type: application/json.',
      }),
    );
  }
  next();
}

function refuseDeepJson(request: Request, _response: Response, next: NextFunction): void {
  const body: unknown = request.body;
  if (body !== undefined && (body === null || typeof body !== 'object' || Array.isArray(body))) {
    return next(new BadRequestException({ code: 'CORPS_INVALIDE', message: 'Le corps de la requête doit être un objet JSON : { "champ": valeur, ... }.' }));
  }
  const { depth, inheritedKey } = inspect(body);
  if (depth > MAX_JSON_DEPTH) {
    return next(
      new BadRequestException({
        code: 'JSON_TROP_PROFOND',
        message: `Le corps JSON imbrique plus de ${MAX_JSON_DEPTH} niveaux d’objets ou de listes : envoyez les champs attendus, à plat.`,
      }),
    );
  }
  if (inheritedKey !== null) {
    // `__proto__`, `constructor`, `toString`... slip through the DTO whitelist, which sees them as known.
    return next(
      new BadRequestException({
        code: 'REQUETE_INVALIDE',
        message: `La requête contient 1 champ(s) invalide(s) : corrigez ${inheritedKey}.`,
        details: [{ champ: inheritedKey, message: `${inheritedKey} n'est pas un champ attendu ici : retirez-le` }],
      }),
    );
  }
  next();
}

/** Iterative, so that a hostile depth cannot overflow the stack. */
function inspect(value: unknown): { depth: number; inheritedKey: string | null } {
  let deepest = 0;
  let inheritedKey: string | null = null;
  const pending: Array<[unknown, number]> = [[value, 1]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop()!;
    if (current === null || typeof current !== 'object') continue;
    deepest = Math.max(deepest, depth);
    if (deepest > MAX_JSON_DEPTH) break;
    for (const [key, child] of Object.entries(current)) {
      if (!Array.isArray(current) && key in Object.prototype) inheritedKey ??= key;
      pending.push([child, depth + 1]);
    }
  }
  return { depth: deepest, inheritedKey };
}

/** An error of body-parser (an HTTP status and a `type` such as `entity.too.large`) as the API's error. */
function bodyParserError(error: unknown): HttpException {
  const type = error && typeof error === 'object' && 'type' in error ? error.type : undefined;
  switch (type) {
    case 'entity.too.large':
      return new PayloadTooLargeException({
        code: 'REQUETE_TROP_VOLUMINEUSE',
        message: `Le corps de la requête dépasse ${JSON_BODY_LIMIT.replace('kb', ' Ko')} : envoyez moins de données à la fois.`,
      });
    case 'entity.parse.failed':
      return new BadRequestException({
        code: 'JSON_INVALIDE',
        message: 'Le corps de la requête n’est pas du JSON valide : vérifiez les guillemets, virgules et accolades.',
      });
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new UnsupportedMediaTypeException({
        code: 'ENCODAGE_NON_SUPPORTE',
        message: 'Envoyez le corps en UTF-8 (Content-Type: application/json; charset=utf-8).',
      });
    default: {
      const status = (error as { status?: unknown }).status;
      const clientError = typeof status === 'number' && status >= 400 && status < 500;
      return new HttpException(
        { code: 'REQUETE_INVALIDE', message: 'Le corps de la requête n’a pas pu être lu : renvoyez-le en JSON.' },
        clientError ? status : HttpStatus.BAD_REQUEST,
      );
    }
  }
}
