import { Module } from '@nestjs/common';
import { DonneursOrdreController } from './donneurs-ordre.controller';
import { EnregistrerDonneurOrdreHandler, LireDonneurOrdreHandler } from './donneurs-ordre.handlers';

@Module({ controllers: [DonneursOrdreController], providers: [EnregistrerDonneurOrdreHandler, LireDonneurOrdreHandler] })
export class DonneursOrdreModule {}
