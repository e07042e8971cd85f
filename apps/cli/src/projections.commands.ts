import { SingleBar, Presets } from 'cli-progress';
import { type Command } from 'commander';
import { projectionStatuses, rebuildProjection, rebuildProjections } from '@suivi/projections';
import { withCliContext } from './cli-context';

export function registerProjectionCommands(program: Command): void {
  program
    .command('projections:status')
    .description('status (ok or en_erreur), position, head of the log, lag and activity of every projection')
    .action(() =>
      withCliContext(async ({ projections, store, dataSource }) => {
        const statuses = await projectionStatuses(projections, store, dataSource);
        console.table(
          statuses.map((s) => ({
            projection: s.name,
            status: s.error ? 'en_erreur' : 'ok',
            position: s.position,
            head: s.head,
            lag: s.lag,
            running: s.running,
          })),
        );
        for (const { name, error } of statuses) {
          if (!error) continue;
          console.log(
            `${name}: en_erreur, stopped at position ${error.position} (${error.eventType}, event ${error.eventId}) ` +
              `since ${error.since.toISOString()}, ${error.attempts} attempt(s), last ${error.lastAttemptAt.toISOString()}: ${error.message}`,
          );
        }
      }),
    );

  program
    .command('projections:rebuild')
    .argument('[name]', 'projection to rebuild (all when omitted)')
    .description('replay a projection (or all) from the start of the log beside the live one, then switch to it')
    .action((name?: string) =>
      withCliContext(async ({ projections, store, dataSource, database, config }) => {
        const selected = name ? projections.filter((p) => p.name === name) : projections;
        if (selected.length === 0) {
          throw new Error(`unknown projection "${name}"; known: ${projections.map((p) => p.name).join(', ')}`);
        }
        const progressBar = (label: string) => {
          const bar = new SingleBar({ format: `${label} [{bar}] {percentage}% | {value}/{total} | {speed} ev/s`, hideCursor: true }, Presets.shades_classic);
          const started = Date.now();
          let barStarted = false;
          const onProgress = ({ position, target }: { position: number; target: number }) => {
            const speed = Math.round(position / Math.max(0.001, (Date.now() - started) / 1000));
            if (!barStarted) {
              bar.start(target, position, { speed });
              barStarted = true;
            } else {
              // The target grows when the live projection moved on during the replay.
              if (target > bar.getTotal()) bar.setTotal(target);
              bar.update(Math.min(position, target), { speed });
            }
          };
          return { onProgress, stop: () => bar.stop() };
        };
        const report = (projection: string, result: { events: number; seconds: number; position: number }) => {
          const rate = Math.round(result.events / Math.max(result.seconds, 0.001));
          console.log(
            `${projection}: ${result.events} events replayed in ${result.seconds.toFixed(2)} s (${rate} events/s), ` +
              `switched to the new generation at position ${result.position}`,
          );
        };
        if (name) {
          const [projection] = selected;
          const bar = progressBar(projection.name);
          const result = await rebuildProjection(projection, store, dataSource, database.url, { batchSize: config.PROJECTION_BATCH_SIZE, onProgress: bar.onProgress });
          bar.stop();
          report(projection.name, result);
          return;
        }
        // All of them: the log is read once and each batch applied to every projection (rebuildProjections).
        const bar = progressBar('all projections');
        const result = await rebuildProjections(selected, store, dataSource, database.url, { batchSize: config.PROJECTION_BATCH_SIZE, onProgress: bar.onProgress });
        bar.stop();
        const rate = Math.round(result.events / Math.max(result.seconds, 0.001));
        console.log(`${result.events} events read once for ${selected.length} projections in ${result.seconds.toFixed(2)} s (${rate} events/s)`);
        for (const { name: projection, ...rebuilt } of result.projections) report(projection, rebuilt);
      }),
    );
}
