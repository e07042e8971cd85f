import { type INestApplication, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { RoutesDeclarees } from './acces/routes-declarees';
import { ApiModule, type ApiModuleOptions } from './api.module';
import { configurerCors, configurerEnTetesDeSecurite } from './defenses/en-tetes-http';
import { LimiteurDeDebit } from './defenses/limiteur.guard';
import { RefusJournalises } from './defenses/refus-journalises.interceptor';
import { ErreurApi } from './errors/api-error';
import { answerClientErrorsInJson } from './errors/client-errors';
import { HttpErrorFilter } from './errors/http-error.filter';
import { validationErrorFactory } from './errors/validation-error.factory';
import { completerLeDocument, operationIdDe, SCHEMA_BEARER } from './openapi/reponses-d-erreur';
import { configureJsonBody } from './request-body/json-body';
import { dossierDeLApplicationWeb, servirApplicationWeb } from './application-web/application-web';
import { CHEMIN_IMPORT_HEURES } from './imports/imports.controller';

export const OPENAPI_PATH = 'api/docs';
export const OPENAPI_JSON_PATH = 'api/docs/json';

/** Builds the HTTP application (used by main.ts and by the e2e tests). */
export async function createApiApp(options: ApiModuleOptions): Promise<INestApplication> {
  const { config } = options;
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(options), { bufferLogs: true, bodyParser: false });
  app.useLogger(app.get(Logger));
  // request.ip: the client's address from X-Forwarded-For, through exactly this many proxies (0: the socket's peer).
  app.set('trust proxy', config.TRUST_PROXY_HOPS);
  // First, so that every answer carries them, refusals of the body parser and 404s included.
  configurerEnTetesDeSecurite(app, OPENAPI_PATH);
  configurerCors(app, config.CORS_ORIGINS);
  configureJsonBody(app, [CHEMIN_IMPORT_HEURES]);
  const applicationWeb = dossierDeLApplicationWeb();
  if (applicationWeb) servirApplicationWeb(app, applicationWeb);
  answerClientErrorsInJson(app.getHttpServer());
  app.setGlobalPrefix('api', { exclude: ['health', 'ready'] });
  // After every APP_GUARD (registered during NestFactory.create), hence after AccesGuard, which
  // names the caller the write and read budgets are counted for.
  app.useGlobalGuards(app.get(LimiteurDeDebit));
  app.useGlobalInterceptors(new RefusJournalises());
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      stopAtFirstError: true,
      transform: true,
      exceptionFactory: validationErrorFactory,
    }),
  );
  app.useGlobalFilters(new HttpErrorFilter());
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('suivi-clauses')
      .setDescription("Suivi des heures d'insertion des clauses sociales (API HTTP)")
      .setVersion('0.1.0')
      .addBearerAuth(
        { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Jeton obtenu par POST /api/auth/connexion, valable AUTH_TOKEN_TTL_SECONDS secondes.' },
        SCHEMA_BEARER,
      )
      .build(),
    { extraModels: [ErreurApi], operationIdFactory: operationIdDe },
  );
  completerLeDocument(document, app.get(RoutesDeclarees).lister(), config);
  SwaggerModule.setup(OPENAPI_PATH, app, document, { jsonDocumentUrl: OPENAPI_JSON_PATH });
  return app;
}
