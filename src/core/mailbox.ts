/**
 * A one-slot mailbox between a fast producer (capture) and a slower consumer (inference).
 * The newest item always wins: an unread item that is overwritten is counted as dropped, so a
 * slow consumer costs frames, never memory or latency. No EventEmitter, no stream, no queue.
 */
export interface MailboxCounters {
  offered: number;
  taken: number;
  dropped: number;
}

export class Mailbox<T> {
  private slot: T | undefined;
  private waiter: ((item: T | undefined) => void) | undefined;
  private closed = false;
  private emptied: Array<() => void> = [];
  readonly counters: MailboxCounters = { offered: 0, taken: 0, dropped: 0 };

  /**
   * Puts an item in the slot, replacing (and counting as dropped) any unread one. Returns the item it
   * displaced, unseen by any consumer, so the producer can reclaim it (capture recycles its buffer).
   */
  offer(item: T): T | undefined {
    if (this.closed) return undefined;
    this.counters.offered++;
    if (this.waiter) {
      const resolve = this.waiter;
      this.waiter = undefined;
      this.counters.taken++;
      resolve(item);
      return undefined;
    }
    const displaced = this.slot;
    if (displaced !== undefined) this.counters.dropped++;
    this.slot = item;
    return displaced;
  }

  /** Takes the item now, if any, without waiting. */
  poll(): T | undefined {
    const item = this.slot;
    if (item !== undefined) {
      this.slot = undefined;
      this.counters.taken++;
      this.notifyEmptied();
    }
    return item;
  }

  /** Resolves once the slot is empty (the consumer took the item, or the mailbox closed). */
  whenEmpty(): Promise<void> {
    if (this.slot === undefined || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.emptied.push(resolve));
  }

  private notifyEmptied(): void {
    const waiting = this.emptied;
    this.emptied = [];
    for (const resolve of waiting) resolve();
  }

  /**
   * Waits for the next item. Resolves undefined when the mailbox is closed or the signal aborts,
   * so a consumer loop ends without an exception on shutdown.
   */
  take(signal?: AbortSignal): Promise<T | undefined> {
    const ready = this.poll();
    if (ready !== undefined || this.closed) return Promise.resolve(ready);
    if (this.waiter) throw new Error('Mailbox supports a single consumer');
    return new Promise((resolve) => {
      const onAbort = () => {
        if (this.waiter === finish) this.waiter = undefined;
        resolve(undefined);
      };
      const finish = (item: T | undefined) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(item);
      };
      if (signal?.aborted) return resolve(undefined);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiter = finish;
    });
  }

  /** Ends the mailbox: a waiting consumer gets undefined, later offers are ignored. */
  close(): void {
    this.closed = true;
    this.slot = undefined;
    this.notifyEmptied();
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.(undefined);
  }

  get isClosed(): boolean {
    return this.closed;
  }
}
