import { Module } from '@nestjs/common';
import { ObjectifsController } from './objectifs.controller';
import { FixerObjectifsHandler } from './objectifs.handlers';

@Module({ controllers: [ObjectifsController], providers: [FixerObjectifsHandler] })
export class ObjectifsModule {}
