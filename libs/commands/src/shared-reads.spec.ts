import { SharedReads } from './shared-reads';

/** A read whose answer is the number of reads started so far, released by hand. */
function controlledReads() {
  const pending: Array<() => void> = [];
  let started = 0;
  const reads = new SharedReads<number>(async () => {
    const n = ++started;
    await new Promise<void>((resolve) => pending.push(resolve));
    return n;
  });
  const releaseAll = async () => {
    while (pending.length > 0) {
      pending.shift()!();
      await new Promise((r) => setImmediate(r));
    }
  };
  return { reads, releaseAll, started: () => started };
}

describe('SharedReads', () => {
  it('reads at once when no read of the key is in flight', async () => {
    const { reads, releaseAll, started } = controlledReads();
    const a = reads.get('s');
    expect(started()).toBe(1);
    await releaseAll();
    expect(await a).toBe(1);
  });

  it('callers arriving during a read share the next one, started after they asked, never the one in flight', async () => {
    const { reads, releaseAll, started } = controlledReads();
    const first = reads.get('s');
    const second = reads.get('s');
    const third = reads.get('s');
    expect(started()).toBe(1);
    await releaseAll();
    expect(await first).toBe(1);
    expect([await second, await third]).toEqual([2, 2]);
    expect(started()).toBe(2);
  });

  it('keeps keys apart, forgets a key once nobody waits, and passes failures to every caller of the read', async () => {
    let fail = true;
    const reads = new SharedReads<string>(async (key) => {
      await new Promise((r) => setImmediate(r));
      if (fail) throw new Error(`no ${key}`);
      return key;
    });
    const failing = [reads.get('a'), reads.get('a'), reads.get('a')];
    const other = reads.get('b');
    const outcomes = await Promise.allSettled([...failing, other]);
    expect(outcomes.every((o) => o.status === 'rejected')).toBe(true);
    fail = false;
    expect(await reads.get('a')).toBe('a');
    await new Promise((r) => setImmediate(r));
    expect((reads as unknown as { slots: Map<string, unknown> }).slots.size).toBe(0);
  });
});
