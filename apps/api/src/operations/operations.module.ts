import { Module } from '@nestjs/common';
import { OperationsController } from './operations.controller';
import { LireOperationHandler, OuvrirOperationHandler } from './operations.handlers';

@Module({ controllers: [OperationsController], providers: [OuvrirOperationHandler, LireOperationHandler] })
export class OperationsModule {}
