import { Module } from '@nestjs/common';
import { ConformiteController } from './conformite.controller';
import { LireConformiteHandler, ListerMarchesHandler } from './conformite.handlers';
import { LireReleveHandler } from './releve';

@Module({ controllers: [ConformiteController], providers: [LireConformiteHandler, ListerMarchesHandler, LireReleveHandler] })
export class ConformiteModule {}
