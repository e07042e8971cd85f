import { type CallHandler, type ExecutionContext, HttpException, HttpStatus, Injectable, Logger, type NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { tap } from 'rxjs/operators';
import type { RequeteAuthentifiee } from '../acces/appelant';
import { adresseDe } from './adresse';

const REFUS = new Set<number>([HttpStatus.UNAUTHORIZED, HttpStatus.FORBIDDEN]);

/**
 * Logs the refusals decided past the guards: a failed sign-in (`401 IDENTIFIANTS_INVALIDES`,
 * `403 UTILISATEUR_DESACTIVE`), or any 401/403 a handler throws. AccesGuard logs its own refusals
 * and LimiteurDeDebit its 429s; between them every denied request leaves one line: who (the user,
 * or the client address before sign-in), which route, why (status and code). Never the identifiant
 * tried, the token or the body.
 */
@Injectable()
export class RefusJournalises implements NestInterceptor {
  private readonly journal = new Logger('Acces');

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      tap({
        error: (error: unknown) => {
          if (!(error instanceof HttpException) || !REFUS.has(error.getStatus())) return;
          const request = context.switchToHttp().getRequest<RequeteAuthentifiee>();
          const body = error.getResponse() as { code?: string };
          this.journal.warn({
            msg: 'access denied',
            status: error.getStatus(),
            code: typeof body === 'object' && body !== null ? (body.code ?? null) : null,
            utilisateurId: request.appelant?.utilisateurId ?? null,
            adresse: request.appelant ? null : adresseDe(request),
            method: request.method,
            route: (request.route as { path?: string } | undefined)?.path ?? null,
          });
        },
      }),
    );
  }
}
