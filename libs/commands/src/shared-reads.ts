const noop = () => undefined;

/**
 * Concurrent reads of one key (a stream) share one query that starts after each of them asked: a
 * read never answers what was there before it was asked, as fresh as a read of its own, and the
 * callers of one stream under load (a user's requests all read their user's stream) cost one round
 * trip instead of one each. A caller arriving while the key's read is in flight waits for the next
 * one, started when it ends, which every caller arriving meanwhile shares (as group commit does
 * for appends). Callers share the answer: they must not change it.
 */
export class SharedReads<T> {
  private readonly slots = new Map<string, { done: Promise<void>; next: Promise<T> | null }>();

  constructor(private readonly read: (key: string) => Promise<T>) {}

  get(key: string): Promise<T> {
    const slot = this.slots.get(key);
    if (!slot) return this.start(key);
    slot.next ??= slot.done.then(() => this.start(key));
    return slot.next;
  }

  private start(key: string): Promise<T> {
    const answer = this.read(key);
    const slot = { done: answer.then(noop, noop), next: null as Promise<T> | null };
    this.slots.set(key, slot);
    // Runs before the next read's start (registered first): forgets the key when nobody waits.
    void slot.done.then(() => {
      if (this.slots.get(key) === slot && slot.next === null) this.slots.delete(key);
    });
    return answer;
  }
}
