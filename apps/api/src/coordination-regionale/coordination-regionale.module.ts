import { Module } from '@nestjs/common';
import { CoordinationRegionaleController } from './coordination-regionale.controller';
import { CalculerIndicateursCoordinationHandler, ListerMarchesSuivisHandler } from './coordination-regionale.handlers';

@Module({ controllers: [CoordinationRegionaleController], providers: [ListerMarchesSuivisHandler, CalculerIndicateursCoordinationHandler] })
export class CoordinationRegionaleModule {}
