import { Global, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { JwtModule, JwtService } from '@nestjs/jwt';
import { resolveAuthSecret, UserDirectory } from '@suivi/access';
import { CommandExecutor } from '@suivi/commands';
import type { AppConfig } from '@suivi/config';
import { AccesGuard } from './acces.guard';
import { Jetons } from './jetons';
import { RoutesDeclarees } from './routes-declarees';

/** Sign-in tokens, the users' directory and the guard in front of every route. */
@Global()
@Module({
  imports: [
    DiscoveryModule,
    JwtModule.registerAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>) => ({
        secret: resolveAuthSecret({
          AUTH_SECRET: config.get('AUTH_SECRET', { infer: true }),
          NODE_ENV: config.get('NODE_ENV', { infer: true }),
          DATA_DIR: config.get('DATA_DIR', { infer: true }),
        }),
      }),
    }),
  ],
  providers: [
    { provide: UserDirectory, inject: [CommandExecutor], useFactory: (executor: CommandExecutor) => new UserDirectory(executor) },
    {
      provide: Jetons,
      inject: [JwtService, ConfigService],
      useFactory: (jwt: JwtService, config: ConfigService<AppConfig, true>) => new Jetons(jwt, config.get('AUTH_TOKEN_TTL_SECONDS', { infer: true })),
    },
    { provide: APP_GUARD, useClass: AccesGuard },
    RoutesDeclarees,
  ],
  exports: [UserDirectory, Jetons, RoutesDeclarees],
})
export class AccesModule {}
