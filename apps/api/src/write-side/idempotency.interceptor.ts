import {
  BadRequestException,
  type CallHandler,
  type ExecutionContext,
  HttpStatus,
  Injectable,
  type NestInterceptor,
  UnprocessableEntityException,
} from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import { from, type Observable, of, throwError } from 'rxjs';
import { catchError, mergeMap } from 'rxjs/operators';
import { IdempotencyStore } from '@suivi/commands';
import { callerOf, type RequestWithSeed } from '../request-context/request-context';

const KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * `Idempotency-Key` on a POST or PUT: the same key with the same body answers the first answer
 * again; with another body, 422. The key also seeds the request's event ids, so that a retry
 * after a crash (no answer stored) re-runs without appending anything twice.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly store: IdempotencyStore,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> | Promise<Observable<unknown>> {
    const request = context.switchToHttp().getRequest<RequestWithSeed>();
    const key = request.headers['idempotency-key'];
    if ((request.method !== 'POST' && request.method !== 'PUT') || key === undefined) return next.handle();
    return this.handle(context, next, request, Array.isArray(key) ? key[0] : key);
  }

  private async handle(context: ExecutionContext, next: CallHandler, request: RequestWithSeed, key: string): Promise<Observable<unknown>> {
    if (!KEY.test(key)) {
      throw new BadRequestException({
        code: 'CLE_IDEMPOTENCE_INVALIDE',
        message: "L'en-tête Idempotency-Key doit faire de 1 à 255 caractères visibles (un uuid par exemple).",
      });
    }
    const userId = callerOf(request);
    const hash = IdempotencyStore.hashRequest(request.method, request.originalUrl, request.body);
    const lookup = await this.store.begin(userId, key, hash);
    if (lookup.kind === 'other-request') {
      throw new UnprocessableEntityException({
        code: 'CLE_IDEMPOTENCE_REUTILISEE',
        message: "Cette clé d'idempotence a déjà servi pour une autre requête : utilisez une nouvelle clé pour une nouvelle demande.",
      });
    }
    const response = context.switchToHttp().getResponse<Response>();
    if (lookup.kind === 'answered') {
      response.status(lookup.statusCode);
      return of(lookup.response);
    }
    // The request's hash is part of the seed: a key freed after a failure and reused for another
    // body never derives the ids of the first one.
    request.idempotencySeed = `${userId}|${key}|${hash}`;
    const status =
      this.reflector.get<number>(HTTP_CODE_METADATA, context.getHandler()) ??
      (request.method === 'POST' ? HttpStatus.CREATED : HttpStatus.OK);
    return next.handle().pipe(
      mergeMap((body) => from(this.store.complete(userId, key, hash, status, body).then(() => body))),
      catchError((error) => from(this.store.abandon(userId, key)).pipe(mergeMap(() => throwError(() => error)))),
    );
  }
}
