import { Module } from '@nestjs/common';
import { EntreprisesController } from './entreprises.controller';
import { EnregistrerEntrepriseHandler, LireEntrepriseHandler } from './entreprises.handlers';

@Module({ controllers: [EntreprisesController], providers: [EnregistrerEntrepriseHandler, LireEntrepriseHandler] })
export class EntreprisesModule {}
