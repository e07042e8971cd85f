import { BadRequestException, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import type { CommandContext } from '@suivi/commands';
import type { RequeteAuthentifiee } from '../acces/appelant';

export const CORRELATION_HEADER = 'x-correlation-id';

/** Set by the IdempotencyInterceptor on requests that carry an Idempotency-Key. */
export interface RequestWithSeed extends RequeteAuthentifiee {
  idempotencySeed?: string;
}

/**
 * The caller and the HTTP preconditions of a write, as a CommandContext. The caller is the
 * signed-in user AccesGuard found behind the bearer token: their id is every event's userId.
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

/** The signed-in user's id; AccesGuard has run before any write. */
export function callerOf(request: RequeteAuthentifiee): string {
  if (!request.appelant) throw new Error('callerOf used on a route AccesGuard let through without a user');
  return request.appelant.utilisateurId;
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
