import { performance } from 'node:perf_hooks';
import { Presets, SingleBar } from 'cli-progress';
import type { EventStore, StreamAppend } from '@suivi/event-store';
import type { DecidedLog } from './decided-log';
import type { GeneratedPhase } from './phases';

export interface LoadOptions {
  /** Stream appends per appendToStreams call. */
  batchStreams: number;
  writers: number;
  /** For the progress bar only. */
  expectedEvents: number;
}

export interface LoadRun {
  events: number;
  streams: number;
  calls: number;
  phases: number;
  /** Wall time of the whole step, generation included. */
  seconds: number;
  /** Time spent waiting on appends only (what the store costs). */
  appendSeconds: number;
  generationSeconds: number;
  /** Events per second of the appends of each phase of at least 1,000 events. */
  phaseRates: number[];
}

/**
 * Generates phase by phase and appends each phase through the port: batches of a few hundred
 * streams, `writers` calls in flight. A phase is written completely before the next one is
 * generated, so the log stays causal (a marché before its placements) and memory bounded.
 */
export async function load(store: EventStore, phases: Iterable<GeneratedPhase>, log: DecidedLog, options: LoadOptions): Promise<LoadRun> {
  const run: LoadRun = { events: 0, streams: 0, calls: 0, phases: 0, seconds: 0, appendSeconds: 0, generationSeconds: 0, phaseRates: [] };
  const started = performance.now();
  const bar = new SingleBar(
    { format: 'chargement [{bar}] {percentage}% | {value}/{total} événements | {vitesse} év/s | {phase}', hideCursor: true, etaBuffer: 50 },
    Presets.shades_classic,
  );
  bar.start(options.expectedEvents, 0, { vitesse: 0, phase: '' });
  const iterator = phases[Symbol.iterator]();
  for (;;) {
    const generationStarted = performance.now();
    const next = iterator.next();
    run.generationSeconds += (performance.now() - generationStarted) / 1000;
    if (next.done) break;
    const { nom, appends } = next.value;
    run.phases++;
    if (appends.length === 0) continue;
    const appendStarted = performance.now();
    await appendAll(store, appends, options);
    const seconds = (performance.now() - appendStarted) / 1000;
    const events = appends.reduce((sum, a) => sum + a.events.length, 0);
    run.appendSeconds += seconds;
    run.streams += appends.length;
    run.calls += Math.ceil(appends.length / options.batchStreams);
    run.events += events;
    if (events >= 1_000) run.phaseRates.push(events / seconds);
    if (run.events > bar.getTotal()) bar.setTotal(run.events);
    bar.update(run.events, { vitesse: Math.round(run.events / Math.max(0.001, (performance.now() - started) / 1000)), phase: nom });
  }
  bar.setTotal(run.events);
  bar.update(run.events);
  bar.stop();
  run.seconds = (performance.now() - started) / 1000;
  if (run.events !== log.events) throw new Error(`${run.events} events appended, ${log.events} decided`);
  return run;
}

async function appendAll(store: EventStore, appends: StreamAppend[], options: LoadOptions): Promise<void> {
  let next = 0;
  const writer = async () => {
    while (next < appends.length) {
      const batch = appends.slice(next, next + options.batchStreams);
      next += options.batchStreams;
      await store.appendToStreams(batch);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.writers, Math.ceil(appends.length / options.batchStreams)) }, writer));
}
