import { Module } from '@nestjs/common';
import { AuditVerificationController } from './audit-verification.controller';
import { AuditVerification } from './audit-verification.service';

@Module({ controllers: [AuditVerificationController], providers: [AuditVerification] })
export class AuditVerificationModule {}
