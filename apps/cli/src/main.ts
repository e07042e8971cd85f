import 'reflect-metadata';
import { Command } from 'commander';
import { registerDatabaseCommands } from './database.commands';
import { registerProjectionCommands } from './projections.commands';
import { registerBenchCommand } from './bench.command';
import { registerSeedDemoCommand } from './seed-demo/seed-demo.command';
import { registerUserCommands } from './users.commands';
import { registerAuditVerifyCommand } from './audit-verify.command';
import { registerAuditChainCommand } from './audit-chain.command';
import { registerImportHeuresCommand } from './import-heures.command';
import { registerImportBenchCommand } from './bench/import-bench';
import { registerWebBenchCommand } from './bench/web-bench';
import { registerHttpBenchCommand } from './bench/http-bench';
import { registerSoakCommand } from './soak/soak.command';

const program = new Command('suivi-clauses').description('admin commands of suivi-clauses');
registerDatabaseCommands(program);
registerProjectionCommands(program);
registerBenchCommand(program);
registerSeedDemoCommand(program);
registerUserCommands(program);
registerAuditVerifyCommand(program);
registerAuditChainCommand(program);
registerImportHeuresCommand(program);
registerImportBenchCommand(program);
registerWebBenchCommand(program);
registerHttpBenchCommand(program);
registerSoakCommand(program);

program.parseAsync(process.argv).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
