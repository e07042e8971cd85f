import { type Command } from 'commander';
import { validateConfig } from '@suivi/config';
import { openDatabase, runMigrations } from '@suivi/database';

export function registerDatabaseCommands(program: Command): void {
  program
    .command('db:migrate')
    .description('apply pending schema migrations (also done at every start)')
    .action(async () => {
      const config = validateConfig(process.env);
      const database = await openDatabase(config, (m) => process.stderr.write(`${m}\n`));
      try {
        const applied = await runMigrations(database.url);
        console.log(applied.length ? `applied: ${applied.join(', ')}` : 'schema up to date, nothing to apply');
      } finally {
        await database.stop();
      }
    });
}
