import { Module } from '@nestjs/common';
import { OperationsController } from './operations.controller';
import { LireOperationHandler, ListerOperationsHandler, OuvrirOperationHandler } from './operations.handlers';

@Module({ controllers: [OperationsController], providers: [OuvrirOperationHandler, LireOperationHandler, ListerOperationsHandler] })
export class OperationsModule {}
