import { SingleBar, Presets } from 'cli-progress';
import { type Command } from 'commander';
import { projectionStatuses, rebuildProjection } from '@suivi/projections';
import { withCliContext } from './cli-context';

export function registerProjectionCommands(program: Command): void {
  program
    .command('projections:status')
    .description('position, head of the log, lag and activity of every projection')
    .action(() =>
      withCliContext(async ({ projections, store, dataSource }) => {
        const statuses = await projectionStatuses(projections, store, dataSource);
        console.table(
          statuses.map((s) => ({ projection: s.name, position: s.position, head: s.head, lag: s.lag, running: s.running })),
        );
      }),
    );

  program
    .command('projections:rebuild')
    .argument('[name]', 'projection to rebuild (all when omitted)')
    .description('drop a projection and replay it from the start of the log')
    .action((name?: string) =>
      withCliContext(async ({ projections, store, dataSource, database, config }) => {
        const selected = name ? projections.filter((p) => p.name === name) : projections;
        if (selected.length === 0) {
          throw new Error(`unknown projection "${name}"; known: ${projections.map((p) => p.name).join(', ')}`);
        }
        for (const projection of selected) {
          const bar = new SingleBar(
            { format: `${projection.name} [{bar}] {percentage}% | {value}/{total} events | {speed} ev/s`, hideCursor: true },
            Presets.shades_classic,
          );
          const started = Date.now();
          let barStarted = false;
          const result = await rebuildProjection(projection, store, dataSource, database.url, {
            batchSize: config.PROJECTION_BATCH_SIZE,
            standbyRetryMs: 500,
            log: () => undefined,
            onProgress: ({ position, target }) => {
              const speed = Math.round(position / Math.max(0.001, (Date.now() - started) / 1000));
              if (!barStarted) {
                bar.start(target, position, { speed });
                barStarted = true;
              } else bar.update(Math.min(position, target), { speed });
            },
          });
          bar.stop();
          const rate = Math.round(result.events / Math.max(result.seconds, 0.001));
          console.log(
            `${projection.name}: ${result.events} events replayed in ${result.seconds.toFixed(2)} s (${rate} events/s)` +
              (result.replayedHere ? '' : ' by the process that runs this projection'),
          );
        }
      }),
    );
}
