import { Module } from '@nestjs/common';
import { AuditJournalController } from './audit-journal.controller';
import { AuditJournal } from './audit-journal.service';

/** The audit's reads of the log: streams, the journal, states at an instant. */
@Module({ controllers: [AuditJournalController], providers: [AuditJournal] })
export class AuditJournalModule {}
