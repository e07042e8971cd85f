import { Module } from '@nestjs/common';
import { EntreprisesController } from './entreprises.controller';
import { EnregistrerEntrepriseHandler, LireEntrepriseHandler, ListerEntreprisesHandler } from './entreprises.handlers';

@Module({ controllers: [EntreprisesController], providers: [EnregistrerEntrepriseHandler, LireEntrepriseHandler, ListerEntreprisesHandler] })
export class EntreprisesModule {}
