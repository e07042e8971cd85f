import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ThrottlerModule } from '@nestjs/throttler';
import type { AppConfig } from '@suivi/config';
import { adresseDe } from './adresse';
import { genreDe, limitesDe } from './limites';
import { LimiteurDeDebit } from './limiteur.guard';

/**
 * The rate limits (RATE_LIMIT_*) and their guard. The guard is not an APP_GUARD: createApiApp
 * registers it with `app.useGlobalGuards`, so that it runs after AccesGuard (see LimiteurDeDebit).
 * Storage: the throttler's in-memory one, per process (see LimiteurDeDebit for what that means).
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>) => ({
        // Our own 429 carries Retry-After; the throttler's headers would be suffixed with each limit's name.
        setHeaders: false,
        throttlers: limitesDe({
          RATE_LIMIT_SIGNIN_PER_MINUTE: config.get('RATE_LIMIT_SIGNIN_PER_MINUTE', { infer: true }),
          RATE_LIMIT_SIGNIN_PER_ADDRESS_PER_MINUTE: config.get('RATE_LIMIT_SIGNIN_PER_ADDRESS_PER_MINUTE', { infer: true }),
          RATE_LIMIT_WRITES_PER_SECOND: config.get('RATE_LIMIT_WRITES_PER_SECOND', { infer: true }),
          RATE_LIMIT_READS_PER_SECOND: config.get('RATE_LIMIT_READS_PER_SECOND', { infer: true }),
        }).map(({ nom, genre, limite, fenetreMs, parAdresse }) => ({
          name: nom,
          limit: limite,
          ttl: fenetreMs,
          ...(parAdresse ? { getTracker: (request: Record<string, unknown>) => `adresse:${adresseDe(request as { ip?: string })}` } : {}),
          // Each request counts against the one limit of its kind.
          skipIf: (context) => genreDe(context) !== genre,
        })),
      }),
    }),
  ],
  providers: [LimiteurDeDebit],
  exports: [LimiteurDeDebit],
})
export class LimitesModule {}
