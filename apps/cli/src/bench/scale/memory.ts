import { readFileSync } from 'node:fs';

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

/** A field of /proc/<pid>/status in kB (VmHWM: the kernel's own peak RSS), null where unreadable. */
export function statusKb(pid: number | 'self', field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}
