import { Module } from '@nestjs/common';
import { IndicateursController } from './indicateurs.controller';
import { CalculerIndicateursHandler } from './indicateurs.handlers';

@Module({ controllers: [IndicateursController], providers: [CalculerIndicateursHandler] })
export class IndicateursModule {}
