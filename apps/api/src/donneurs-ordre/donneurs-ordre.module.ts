import { Module } from '@nestjs/common';
import { DonneursOrdreController } from './donneurs-ordre.controller';
import { EnregistrerDonneurOrdreHandler, LireDonneurOrdreHandler, ListerDonneursOrdreHandler } from './donneurs-ordre.handlers';

@Module({ controllers: [DonneursOrdreController], providers: [EnregistrerDonneurOrdreHandler, LireDonneurOrdreHandler, ListerDonneursOrdreHandler] })
export class DonneursOrdreModule {}
