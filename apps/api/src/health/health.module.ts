import { Module } from '@nestjs/common';
import { HealthController } from './health.controller';
import { GetReadinessHandler } from './readiness.query';

@Module({ controllers: [HealthController], providers: [GetReadinessHandler] })
export class HealthModule {}
