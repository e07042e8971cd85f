import { Module } from '@nestjs/common';
import { IndicateursController } from './indicateurs.controller';
import { CalculerIndicateursHandler, LireSerieHandler } from './indicateurs.handlers';

@Module({ controllers: [IndicateursController], providers: [CalculerIndicateursHandler, LireSerieHandler] })
export class IndicateursModule {}
