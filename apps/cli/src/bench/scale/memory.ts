import { statusKb } from '../api-process';

export { statusKb };

/** Resident set size of a process, sampled: the peak seen, in MB. */
export class RssSampler {
  private timer: NodeJS.Timeout | null = null;
  peakMb = 0;

  /** `pid` null: this process (process.memoryUsage); otherwise a child's /proc/<pid>/status. */
  constructor(
    private readonly pid: number | null = null,
    private readonly everyMs = 200,
  ) {}

  start(): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.everyMs);
    this.timer.unref();
    return this;
  }

  stop(): number {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.sample();
    return this.peakMb;
  }

  private sample(): void {
    const mb = this.pid === null ? process.memoryUsage().rss / 1e6 : (statusKb(this.pid, 'VmRSS') ?? 0) / 1e3;
    if (mb > this.peakMb) this.peakMb = mb;
  }
}
