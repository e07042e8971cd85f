import { Module } from '@nestjs/common';
import { ExportsController } from './exports.controller';
import { LireConsolidationHandler } from './exports.handlers';

@Module({ controllers: [ExportsController], providers: [LireConsolidationHandler] })
export class ExportsModule {}
