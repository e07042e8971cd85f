import { Module } from '@nestjs/common';
import { UtilisateursController } from './utilisateurs.controller';
import { UtilisateursLus } from './utilisateurs.queries';

@Module({ controllers: [UtilisateursController], providers: [UtilisateursLus] })
export class UtilisateursModule {}
