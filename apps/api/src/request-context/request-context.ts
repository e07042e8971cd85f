import { BadRequestException, createParamDecorator, type ExecutionContext, UnauthorizedException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import type { CommandContext } from '@suivi/commands';

export const USER_HEADER = 'x-user-id';
export const CORRELATION_HEADER = 'x-correlation-id';

/** Set by the IdempotencyInterceptor on requests that carry an Idempotency-Key. */
export interface RequestWithSeed extends Request {
  idempotencySeed?: string;
}

/**
 * The caller and the HTTP preconditions of a write, as a CommandContext. Until authentication
 * exists, the caller is named by the X-User-Id header (API.md).
 */
export const Contexte = createParamDecorator((_data: unknown, ctx: ExecutionContext): CommandContext => {
  const request = ctx.switchToHttp().getRequest<RequestWithSeed>();
  return {
    userId: callerOf(request),
    correlationId: headerOf(request, CORRELATION_HEADER) ?? randomUUID(),
    causationId: null,
    now: new Date(),
    expectedRevision: ifMatchOf(request),
    idempotencySeed: request.idempotencySeed,
  };
});

export function callerOf(request: Request): string {
  const userId = headerOf(request, USER_HEADER)?.trim();
  if (!userId) {
    throw new UnauthorizedException({
      code: 'UTILISATEUR_NON_IDENTIFIE',
      message: "Indiquez qui fait la demande dans l'en-tête X-User-Id.",
    });
  }
  if (userId.length > 200) {
    throw new BadRequestException({ code: 'REQUETE_INVALIDE', message: "L'en-tête X-User-Id ne doit pas dépasser 200 caractères." });
  }
  return userId;
}

function ifMatchOf(request: Request): number | undefined {
  const raw = headerOf(request, 'if-match');
  if (raw === undefined) return undefined;
  const value = raw.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
  if (!/^\d+$/.test(value)) {
    throw new BadRequestException({
      code: 'IF_MATCH_INVALIDE',
      message: "L'en-tête If-Match doit contenir la révision de la ressource (un entier, par exemple \"3\"), telle que lue par GET.",
    });
  }
  return Number(value);
}

function headerOf(request: Request, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
