import { Module } from '@nestjs/common';
import { FixerObjectifsHandler, ObjectifsController } from './objectifs.controller';

@Module({ controllers: [ObjectifsController], providers: [FixerObjectifsHandler] })
export class ObjectifsModule {}
