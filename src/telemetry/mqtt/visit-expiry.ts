import type { Logger } from 'pino';
import type { Outbox } from './outbox.ts';

/** A sweep at least this often, so a row outlives mqtt.visitMaxAgeS by at most a quarter of it (and 60 s). */
const MAX_SWEEP_MS = 60_000;
const MIN_SWEEP_MS = 250;

/**
 * Keeps per-person rows out of the outbox once they can no longer be delivered in time: a visit row
 * waiting longer than mqtt.visitMaxAgeS (the broker is down) is deleted, and with mqtt.visits off
 * every visit row left by an earlier run goes at start. Each sweep that deletes logs one line.
 */
export class VisitExpiry {
  private timer: NodeJS.Timeout | undefined;
  private expiredTotal = 0;

  constructor(
    private readonly outbox: Outbox,
    private readonly opts: { visits: boolean; maxAgeS: number; log: Pick<Logger, 'info' | 'warn' | 'error'>; now?: () => number },
  ) {}

  /** Sweeps now (before the outbox is replayed) and, with visits on, every sweep interval. */
  start(): void {
    if (!this.opts.visits) {
      const n = this.delete(Number.MAX_SAFE_INTEGER);
      if (n > 0) this.opts.log.info({ deleted: n }, `no visits are published (mqtt.visits off, or MQTT disabled): deleted ${n} queued visit message(s) left by an earlier run`);
      return;
    }
    this.sweep();
    const everyMs = Math.min(MAX_SWEEP_MS, Math.max(MIN_SWEEP_MS, (this.opts.maxAgeS * 1000) / 4));
    this.timer = setInterval(() => this.sweep(), everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Visit rows deleted since start (expired, or left over with visits off). */
  get expired(): number {
    return this.expiredTotal;
  }

  sweep(): number {
    const n = this.delete((this.opts.now ?? Date.now)() - this.opts.maxAgeS * 1000);
    if (n > 0) {
      this.opts.log.warn({ expired: n, expiredTotal: this.expiredTotal, visitMaxAgeS: this.opts.maxAgeS }, `mqtt outbox: deleted ${n} undelivered visit message(s) older than mqtt.visitMaxAgeS (${this.opts.maxAgeS} s)`);
    }
    return n;
  }

  private delete(beforeMs: number): number {
    try {
      const n = this.outbox.deleteVisits(beforeMs);
      this.expiredTotal += n;
      return n;
    } catch (err) {
      // Often from a timer: a failed delete (I/O error) must not crash the daemon; the next sweep retries.
      this.opts.log.error({ err }, 'mqtt outbox: deleting visit messages failed (a sweep tries again)');
      return 0;
    }
  }
}
