import { Module } from '@nestjs/common';
import { ConformiteController } from './conformite.controller';
import { LireConformiteHandler, ListerMarchesHandler } from './conformite.handlers';

@Module({ controllers: [ConformiteController], providers: [LireConformiteHandler, ListerMarchesHandler] })
export class ConformiteModule {}
