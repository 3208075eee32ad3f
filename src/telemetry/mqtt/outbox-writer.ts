import type { Logger } from 'pino';
import type { Outbox, OutboxMessage } from './outbox.ts';

/**
 * Messages kept in memory while the outbox cannot take them. A visit message is about 350 bytes, so
 * the bound costs at most ~350 KB; at one visit a second it covers a quarter of an hour of full disk.
 */
export const HELD_MAX = 1000;
const RETRY_MS = 5000;

interface Held {
  msg: OutboxMessage;
  createdAt: number;
}

/** SQLite's "database or disk is full": space may come back, so the write is worth retrying. */
function isFull(err: unknown): boolean {
  return (err as { code?: unknown })?.code === 'SQLITE_FULL';
}

/**
 * Writes messages to the outbox, and holds them in a small bounded queue in memory when the disk is
 * full (SQLITE_FULL) instead of losing them: they are written, in order and with their original
 * time, once a retry succeeds (every 5 s, and before any newer message). When the queue is full the
 * oldest is dropped and counted. Any other write error drops that one message, logged.
 */
export class OutboxWriter {
  private readonly held: Held[] = [];
  private timer: NodeJS.Timeout | undefined;
  private droppedTotal = 0;

  constructor(
    private readonly outbox: Outbox,
    private readonly opts: { log: Pick<Logger, 'warn' | 'error' | 'info'>; onWritten: () => void; max?: number; retryMs?: number; now?: () => number },
  ) {}

  write(msg: OutboxMessage): void {
    this.held.push({ msg, createdAt: (this.opts.now ?? Date.now)() });
    const max = this.opts.max ?? HELD_MAX;
    if (this.held.length > max) this.droppedTotal += this.held.splice(0, this.held.length - max).length;
    this.flush();
  }

  /** Messages waiting in memory for space on disk. */
  get waiting(): number {
    return this.held.length;
  }

  /** Messages dropped since start: the queue was full, or a write failed for another reason than space. */
  get dropped(): number {
    return this.droppedTotal;
  }

  /** Stops retrying; what is still held is lost (logged), as the database closes after this. */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.held.length > 0) this.opts.log.warn({ lost: this.held.length }, `mqtt: ${this.held.length} message(s) held in memory (disk full) are lost at stop`);
    this.held.length = 0;
  }

  private flush(): void {
    const wasFull = this.timer !== undefined;
    clearTimeout(this.timer);
    this.timer = undefined;
    let written = 0;
    while (this.held.length > 0) {
      const { msg, createdAt } = this.held[0];
      try {
        this.outbox.enqueue(msg, createdAt);
        written++;
      } catch (err) {
        if (!isFull(err)) {
          this.droppedTotal += 1;
          this.opts.log.error({ err, topic: msg.topic }, 'mqtt outbox write failed; message dropped');
          this.held.shift();
          continue;
        }
        if (!wasFull) {
          this.opts.log.warn(
            { err: { message: (err as Error).message, code: 'SQLITE_FULL' }, held: this.held.length, max: this.opts.max ?? HELD_MAX },
            `mqtt outbox: disk full; holding messages in memory (at most ${this.opts.max ?? HELD_MAX}) and retrying`,
          );
        }
        this.timer = setTimeout(() => this.flush(), this.opts.retryMs ?? RETRY_MS);
        this.timer.unref();
        break;
      }
      this.held.shift();
    }
    if (wasFull && this.held.length === 0) this.opts.log.info({ written, droppedTotal: this.droppedTotal }, `mqtt outbox writable again: ${written} held message(s) written`);
    if (written > 0) this.opts.onWritten();
  }
}
