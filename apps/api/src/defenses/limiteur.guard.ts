import { type ExecutionContext, HttpException, HttpStatus, Injectable, Logger } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail, type ThrottlerRequest } from '@nestjs/throttler';
import type { Response } from 'express';
import { createHash } from 'node:crypto';
import type { RequeteAuthentifiee } from '../acces/appelant';
import { adresseDe } from './adresse';
import { genreDe, messageDeLimite, type NomDeLimite } from './limites';

/** Thrown by throwThrottlingException, caught in handleRequest where the limit's name is known. */
class LimiteAtteinte extends Error {
  constructor(readonly detail: ThrottlerLimitDetail) {
    super('rate limit reached');
  }
}

/**
 * Rate limits (@nestjs/throttler), answered `429 TROP_DE_REQUETES` with `Retry-After`.
 *
 * It must run after AccesGuard, which names the caller (`request.appelant`) that the write and
 * read budgets are counted for. createApiApp registers it with `app.useGlobalGuards`, which Nest
 * appends after every APP_GUARD (those are registered while NestFactory.create scans the modules,
 * before createApiApp gets the app back): AccesGuard always runs first. Should it ever run first
 * anyway, tracking a signed-in route without a caller throws (a 500 every test would see) rather
 * than silently counting everyone behind one address against one budget.
 *
 * Counters live in this process's memory (the throttler's default storage): nothing to run or
 * configure, and a request costs no round trip. With several api instances behind a load balancer,
 * each one counts on its own, so a client spread over n instances gets up to n times the limits,
 * and a restart forgets the counters. That is acceptable for limits meant to stop floods and
 * password guessing rather than to meter usage exactly; a shared storage (Redis, through the
 * throttler's `storage` option) would make them exact across instances.
 */
@Injectable()
export class LimiteurDeDebit extends ThrottlerGuard {
  private readonly journal = new Logger('Limites');

  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    return context.getType() !== 'http' || genreDe(context) === 'sonde';
  }

  /** Who a request counts for: the signed-in user, or (sign-in) the address and the identifiant tried. */
  protected override async getTracker(request: Record<string, unknown>, context?: ExecutionContext): Promise<string> {
    const requete = request as unknown as RequeteAuthentifiee;
    const appelant = requete.appelant;
    if (context && genreDe(context) === 'connexion') {
      const body = requete.body as { identifiant?: unknown } | undefined;
      // Normalised as the users' directory does (trim, lower case): `Claire` and `claire ` are one account.
      const identifiant = typeof body?.identifiant === 'string' ? body.identifiant.trim().toLowerCase() : (appelant?.utilisateurId ?? '');
      return `adresse:${adresseDe(requete)}|identifiant:${identifiant}`;
    }
    if (!appelant) {
      throw new Error('LimiteurDeDebit ran before AccesGuard: a signed-in route has no caller to count for (register it after AccesGuard).');
    }
    return `utilisateur:${appelant.utilisateurId}`;
  }

  /** One budget per limit and tracker, whatever the route: a user's writes all count together. Hashed: no identifiant kept in memory. */
  protected override generateKey(_context: ExecutionContext, tracker: string, nom: string): string {
    return createHash('sha256').update(`${nom}|${tracker}`).digest('base64url');
  }

  protected override async handleRequest(props: ThrottlerRequest): Promise<boolean> {
    try {
      return await super.handleRequest(props);
    } catch (error) {
      if (error instanceof LimiteAtteinte) this.refuser(props, error.detail);
      throw error;
    }
  }

  protected override async throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    throw new LimiteAtteinte(detail);
  }

  private refuser({ context, throttler }: ThrottlerRequest, detail: ThrottlerLimitDetail): never {
    const request = context.switchToHttp().getRequest<RequeteAuthentifiee>();
    const response = context.switchToHttp().getResponse<Response>();
    const nom = throttler.name as NomDeLimite;
    const reessayerDans = Math.max(1, Math.ceil(detail.timeToBlockExpire));
    response.setHeader('Retry-After', String(reessayerDans));
    // Who (the user, or the address for sign-in), which route, which limit: never the identifiant, the token or the body.
    this.journal.warn({
      msg: 'rate limited',
      status: HttpStatus.TOO_MANY_REQUESTS,
      limite: nom,
      maximum: detail.limit,
      fenetreMs: detail.ttl,
      utilisateurId: request.appelant?.utilisateurId ?? null,
      adresse: request.appelant ? null : adresseDe(request),
      method: request.method,
      route: (request.route as { path?: string } | undefined)?.path ?? null,
      reessayerDans,
    });
    throw new HttpException(
      { code: 'TROP_DE_REQUETES', message: messageDeLimite(nom, detail.limit, reessayerDans), details: { reessayerDans } },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}
