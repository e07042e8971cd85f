import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import { type Command } from 'commander';
import { type ProjectionVerification, type RowDifference, type TableComparison, type VerificationResult, verifyProjections } from '@suivi/projections';
import { withCliContext } from './cli-context';

export function registerAuditVerifyCommand(program: Command): void {
  program
    .command('audit:verify')
    .argument('[name]', 'projection to verify (all when omitted)')
    .option('--exemples <n>', 'differing rows printed per table and direction', '5')
    .description(
      'replay every projection (or one) from the log into a scratch schema and compare it with the live read model row by row; ' +
        'prints the differences, exit code 1 on any',
    )
    .action((name: string | undefined, opts: { exemples: string }) =>
      withCliContext(async ({ projections, store, dataSource, database, config }) => {
        const selected = name ? projections.filter((p) => p.name === name) : projections;
        if (selected.length === 0) {
          throw new Error(`unknown projection "${name}"; known: ${projections.map((p) => p.name).join(', ')}`);
        }
        const sampleSize = Number(opts.exemples);
        if (!Number.isInteger(sampleSize) || sampleSize < 0 || sampleSize > 1000) throw new Error('--exemples: an integer from 0 to 1000');

        const bars = new MultiBar(
          { format: '{projection} [{bar}] {percentage}% | {value}/{total} | {speed} ev/s', hideCursor: true, clearOnComplete: false },
          Presets.shades_classic,
        );
        const started = new Map<string, { bar: SingleBar; at: number }>();
        let result: VerificationResult;
        try {
          result = await verifyProjections(selected, store, dataSource, database.url, {
            batchSize: config.PROJECTION_BATCH_SIZE,
            sampleSize,
            onProgress: ({ projection, position, target }) => {
              let entry = started.get(projection);
              if (!entry) {
                entry = { bar: bars.create(Math.max(target, 1), 0, { projection, speed: 0 }), at: Date.now() };
                started.set(projection, entry);
              }
              const speed = Math.round(position / Math.max(0.001, (Date.now() - entry.at) / 1000));
              // The target grows when the live projection moves on during the replay.
              if (target > entry.bar.getTotal()) entry.bar.setTotal(target);
              entry.bar.update(Math.min(position, target), { projection, speed });
            },
          });
        } finally {
          bars.stop();
        }
        for (const line of report(result)) console.log(line);
        if (!result.conforming) {
          const differing = result.projections.filter((p) => !p.conforming).map((p) => p.projection);
          throw new Error(`audit:verify: the read models of ${differing.join(', ')} differ from the replay of the log`);
        }
      }),
    );
}

/** The verification as text: one line per projection, then each differing table and its sample rows. */
export function report(result: VerificationResult): string[] {
  const lines = [`audit:verify: head of the log ${result.head} at the start, ${result.seconds.toFixed(2)} s in all`];
  for (const p of result.projections) {
    lines.push(projectionLine(p));
    for (const table of p.tables.filter((t) => t.onlyInLive > 0 || t.onlyInReplay > 0)) lines.push(...tableLines(table));
  }
  const differing = result.projections.flatMap((p) => p.tables).filter((t) => t.onlyInLive > 0 || t.onlyInReplay > 0);
  lines.push(
    result.conforming
      ? 'RESULT: every read model equals the replay of the log.'
      : `RESULT: ${differing.length} table(s) differ (${differing.reduce((n, t) => n + t.onlyInLive, 0)} row(s) only in the live read model, ` +
          `${differing.reduce((n, t) => n + t.onlyInReplay, 0)} only in the replay).`,
  );
  return lines;
}

function projectionLine(p: ProjectionVerification): string {
  const rate = Math.round(p.events / Math.max(p.replaySeconds, 0.001));
  const rows = p.tables.reduce((n, t) => n + t.liveRows, 0);
  const differing = p.tables.filter((t) => t.onlyInLive > 0 || t.onlyInReplay > 0).length;
  return (
    `${p.projection}: ${p.events} events replayed in ${p.replaySeconds.toFixed(2)} s (${rate} events/s), compared at position ${p.position} ` +
    `in ${p.compareSeconds.toFixed(2)} s: ${p.tables.length} table(s), ${rows} live row(s), ${differing === 0 ? 'identical' : `${differing} table(s) differ`}`
  );
}

function tableLines(t: TableComparison): string[] {
  const key = t.keyColumns.length > 0 ? `key ${t.keyColumns.join(', ')}` : 'no primary key';
  const lines = [
    `  ${t.table} (${key}): ${t.liveRows} live row(s), ${t.replayedRows} replayed; ${t.onlyInLive} only in the live read model, ${t.onlyInReplay} only in the replay`,
  ];
  for (const sample of t.samples) lines.push(`    ${sampleLine(sample)}`);
  const shown = { live: t.samples.filter((s) => s.live).length, replayed: t.samples.filter((s) => s.replayed).length };
  if (t.onlyInLive > shown.live || t.onlyInReplay > shown.replayed) lines.push(`    … (first rows by key only)`);
  return lines;
}

function sampleLine(s: RowDifference): string {
  const key = Object.entries(s.key).map(([c, v]) => `${c}=${value(v)}`).join(' ') || '(row)';
  if (s.live && s.replayed) {
    return `${key}: differs in ${s.columns.map((c) => `${c} (live ${value(s.live![c])}, replay ${value(s.replayed![c])})`).join(', ')}`;
  }
  const row = (s.live ?? s.replayed)!;
  const values = Object.entries(row).filter(([c]) => !(c in s.key)).map(([c, v]) => `${c}=${value(v)}`).join(' ');
  return `${key}: only in the ${s.live ? 'live read model' : 'replay'}: ${values}`;
}

const value = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));
