import { Module } from '@nestjs/common';
import { MarchesController } from './marches.controller';
import { EnregistrerMarcheHandler, LireMarcheHandler, ModifierMarcheHandler } from './marches.handlers';

@Module({ controllers: [MarchesController], providers: [EnregistrerMarcheHandler, ModifierMarcheHandler, LireMarcheHandler] })
export class MarchesModule {}
