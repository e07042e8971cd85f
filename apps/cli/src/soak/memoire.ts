import { statusKb } from '../bench/api-process';

/** The api's RSS sampled during the soak, and whether it keeps growing once warm. */
export interface MemoireRun {
  samplesMiB: number[];
  peakMiB: number;
  /** Means of the middle and last thirds of the samples (the first third is the warm-up). */
  middleMeanMiB: number;
  lastMeanMiB: number;
  /** (last − middle) / middle. */
  growth: number;
  /** Least-squares slope over the last two thirds, MiB per minute. */
  slopeMiBPerMinute: number;
}

export class RssSampler {
  private readonly samples: number[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly pid: number | undefined, private readonly everyMs: number) {}

  start(): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.everyMs);
    return this;
  }

  stop(): MemoireRun {
    clearInterval(this.timer);
    this.sample();
    return tendance(this.samples, this.everyMs);
  }

  private sample(): void {
    const kb = statusKb(this.pid, 'VmRSS');
    if (kb !== null) this.samples.push(kb / 1024);
  }
}

/** A growth that a warm process should not show: past it, the soak says the memory is not stable. */
export const CROISSANCE_MAX = 0.2;

export function tendance(samples: number[], everyMs: number): MemoireRun {
  const third = Math.floor(samples.length / 3);
  const mean = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
  const middle = samples.slice(third, 2 * third);
  const last = samples.slice(2 * third);
  const warm = samples.slice(third);
  const xs = warm.map((_, i) => (i * everyMs) / 60_000);
  const [mx, my] = [mean(xs), mean(warm)];
  const cov = xs.reduce((a, x, i) => a + (x - mx) * (warm[i] - my), 0);
  const varx = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
  const middleMeanMiB = mean(middle);
  const lastMeanMiB = mean(last);
  return {
    samplesMiB: samples.map((s) => Math.round(s)),
    peakMiB: Math.round(Math.max(0, ...samples)),
    middleMeanMiB: Math.round(middleMeanMiB),
    lastMeanMiB: Math.round(lastMeanMiB),
    growth: middleMeanMiB === 0 ? 0 : Math.round(((lastMeanMiB - middleMeanMiB) / middleMeanMiB) * 1000) / 1000,
    slopeMiBPerMinute: varx === 0 ? 0 : Math.round((cov / varx) * 10) / 10,
  };
}
