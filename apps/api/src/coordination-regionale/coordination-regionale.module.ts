import { Module } from '@nestjs/common';
import {
  CalculerIndicateursCoordinationHandler,
  CoordinationRegionaleController,
  ListerMarchesSuivisHandler,
} from './coordination-regionale.controller';

@Module({ controllers: [CoordinationRegionaleController], providers: [ListerMarchesSuivisHandler, CalculerIndicateursCoordinationHandler] })
export class CoordinationRegionaleModule {}
