import { Module } from '@nestjs/common';
import { SalariesController } from './salaries.controller';
import { EnregistrerSalarieHandler, LireSalarieHandler, ValiderEligibiliteHandler } from './salaries.handlers';

@Module({ controllers: [SalariesController], providers: [EnregistrerSalarieHandler, ValiderEligibiliteHandler, LireSalarieHandler] })
export class SalariesModule {}
