import { Module } from '@nestjs/common';
import { BilansController } from './bilans.controller';
import { LireBilanHandler } from './bilans.handlers';

@Module({ controllers: [BilansController], providers: [LireBilanHandler] })
export class BilansModule {}
