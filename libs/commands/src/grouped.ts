interface Waiting<I, R> {
  item: I;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for any write: one group at a time goes to the database; items arriving meanwhile
 * wait and then go together, in one statement and one commit (`run` answers each item's result, in
 * order). A lone item goes at once: no added latency. A failing `run` fails its whole group.
 */
export class Grouped<I, R> {
  private readonly waiting: Array<Waiting<I, R>> = [];
  private flushing = false;

  constructor(
    private readonly run: (items: I[]) => Promise<R[]>,
    private readonly max = 64,
  ) {}

  submit(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.waiting.length > 0) {
        const group = this.waiting.splice(0, this.max);
        try {
          const results = await this.run(group.map((w) => w.item));
          group.forEach((w, i) => w.resolve(results[i]));
        } catch (error) {
          for (const w of group) w.reject(error);
        }
      }
    } finally {
      this.flushing = false;
    }
  }
}
