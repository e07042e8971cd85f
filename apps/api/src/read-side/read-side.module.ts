import { Global, Module } from '@nestjs/common';
import { ProjectionReader } from './projection-reader';

@Global()
@Module({ providers: [ProjectionReader], exports: [ProjectionReader] })
export class ReadSideModule {}
