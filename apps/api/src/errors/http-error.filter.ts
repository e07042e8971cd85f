import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError } from '@suivi/domain';
import { IdempotencyViolationError, isResourceExhaustion, isUnavailability, WrongExpectedRevisionError } from '@suivi/event-store';
import type { ApiErrorBody } from './api-error';

const CODES_BY_STATUS: Record<number, { code: string; message: string }> = {
  400: { code: 'REQUETE_INVALIDE', message: 'La requête est mal formée : vérifiez le corps JSON et les paramètres.' },
  401: { code: 'NON_AUTHENTIFIE', message: 'Authentifiez-vous pour accéder à cette ressource.' },
  403: { code: 'ACCES_REFUSE', message: "Vous n'avez pas les droits nécessaires pour cette action." },
  404: { code: 'RESSOURCE_INTROUVABLE', message: "Cette adresse ne correspond à aucune ressource : vérifiez l'URL et l'identifiant." },
  405: { code: 'METHODE_NON_AUTORISEE', message: "Cette méthode HTTP n'est pas acceptée sur cette adresse." },
  413: { code: 'REQUETE_TROP_VOLUMINEUSE', message: 'Le corps de la requête est trop volumineux : envoyez moins de données à la fois.' },
  415: { code: 'TYPE_DE_CONTENU_NON_SUPPORTE', message: 'Envoyez le corps en JSON (Content-Type: application/json).' },
};

/** Every error leaves the API as `{ code, message, details }` with a French message. */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const [status, error] = this.toBody(exception);
    // Every error body has the three fields of API.md, `details` null when there is nothing to add.
    const body = { code: error.code, message: error.message, details: error.details ?? null };
    if (isUnavailability(exception)) this.logger.warn(`database unavailable: ${exception instanceof Error ? exception.message : String(exception)}`);
    // An operator must act (free disk, memory): logged as an error, with the server's own words.
    else if (isResourceExhaustion(exception)) this.logger.error(`database out of resources: ${exception instanceof Error ? exception.message : String(exception)}`);
    else if (status >= 500 && status !== HttpStatus.SERVICE_UNAVAILABLE) this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    // 503: the database is away; 202: an answer being prepared (indicators known at a past instant).
    if (status === HttpStatus.SERVICE_UNAVAILABLE || status === HttpStatus.ACCEPTED) response.setHeader('Retry-After', '5');
    response.status(status).json(body);
  }

  private toBody(exception: unknown): [number, ApiErrorBody] {
    if (exception instanceof DomainError) {
      const status = { regle: HttpStatus.UNPROCESSABLE_ENTITY, introuvable: HttpStatus.NOT_FOUND, conflit: HttpStatus.CONFLICT }[exception.kind];
      return [status, { code: exception.code, message: exception.message, ...(exception.details ? { details: exception.details } : {}) }];
    }
    if (exception instanceof WrongExpectedRevisionError) {
      return [
        HttpStatus.CONFLICT,
        {
          code: exception.code,
          message:
            "La ressource a été modifiée entre-temps : relisez-la pour obtenir sa révision actuelle, puis renvoyez votre demande.",
          details: { revisionAttendue: exception.expected, revisionActuelle: exception.actual },
        },
      ];
    }
    if (exception instanceof IdempotencyViolationError) {
      return [
        HttpStatus.CONFLICT,
        { code: exception.code, message: 'Ces événements ont déjà été enregistrés ailleurs : ne réutilisez pas leurs identifiants.' },
      ];
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      if (typeof response === 'object' && response !== null && 'code' in response && 'message' in response) {
        return [status, response as ApiErrorBody];
      }
      const known = CODES_BY_STATUS[status];
      if (known) return [status, { ...known }];
      return [status, { code: `HTTP_${status}`, message: 'La requête n’a pas pu être traitée.' }];
    }
    if (isResourceExhaustion(exception)) {
      return [
        HttpStatus.SERVICE_UNAVAILABLE,
        {
          code: 'BASE_SATUREE',
          message:
            "La base de données manque de place (disque ou mémoire) : rien n'a été enregistré. L'équipe technique doit libérer de l'espace ; réessayez ensuite (avec la même clé Idempotency-Key, rien ne sera enregistré deux fois).",
        },
      ];
    }
    if (isUnavailability(exception)) {
      return [
        HttpStatus.SERVICE_UNAVAILABLE,
        {
          code: 'BASE_INDISPONIBLE',
          message: 'La base de données ne répond pas pour le moment : réessayez dans quelques secondes (avec la même clé Idempotency-Key, rien ne sera enregistré deux fois).',
        },
      ];
    }
    return [
      HttpStatus.INTERNAL_SERVER_ERROR,
      { code: 'ERREUR_INTERNE', message: 'Une erreur inattendue est survenue : réessayez, et signalez-la si elle persiste.' },
    ];
  }
}
