import { Module } from '@nestjs/common';
import { SalariesController } from './salaries.controller';
import { SalariesLus } from './salaries.queries';
import { EffacerSalarieHandler, EnregistrerSalarieHandler, LireSalarieHandler, ValiderEligibiliteHandler } from './salaries.handlers';

@Module({ controllers: [SalariesController], providers: [EnregistrerSalarieHandler, ValiderEligibiliteHandler, EffacerSalarieHandler, LireSalarieHandler, SalariesLus] })
export class SalariesModule {}
