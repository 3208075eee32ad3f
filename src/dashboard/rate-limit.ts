import { addressBucket } from './address-bucket.ts';

/**
 * Counts failed attempts per client key in fixed windows. Memory is bounded: expired windows are
 * swept and the table never holds more than maxKeys entries (the oldest are evicted first).
 */
export class FailureLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly maxFailures: number,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 10_000,
  ) {}

  /** Milliseconds until this key may try again, or 0 if it may try now. */
  retryAfterMs(key: string): number {
    const w = this.windows.get(key);
    if (!w) return 0;
    const left = w.resetAt - this.now();
    if (left <= 0) {
      this.windows.delete(key);
      return 0;
    }
    return w.count >= this.maxFailures ? left : 0;
  }

  fail(key: string): void {
    const now = this.now();
    let w = this.windows.get(key);
    if (!w || w.resetAt <= now) {
      this.sweep(now);
      w = { count: 0, resetAt: now + this.windowMs };
      this.windows.delete(key);
      this.windows.set(key, w);
    }
    w.count++;
  }

  private sweep(now: number): void {
    for (const [key, w] of this.windows) if (w.resetAt <= now) this.windows.delete(key);
    while (this.windows.size >= this.maxKeys) this.windows.delete(this.windows.keys().next().value!);
  }
}

/** All sources together may fail this many times the per-source allowance in a minute. */
export const GLOBAL_FAILURE_FACTOR = 20;
const WINDOW_MS = 60_000;
const EVERYONE = '*';

/**
 * Failed logins and wrong Bearer tokens, limited per source (an IPv4 address, an IPv6 /64) and for
 * all sources together (so rotating addresses cannot raise the total). Only failures are limited:
 * a correct token is never refused, so a NAT neighbour or a local process guessing away cannot lock
 * the owner out. What stops guessing is the token's length (dashboard.token, 16 characters at least);
 * this limit keeps failures slow to log and cheap to answer.
 */
export class LoginFailures {
  private readonly perSource: FailureLimiter;
  private readonly everyone: FailureLimiter;

  constructor(perSourcePerMinute: number, now: () => number = Date.now) {
    this.perSource = new FailureLimiter(perSourcePerMinute, WINDOW_MS, now);
    this.everyone = new FailureLimiter(perSourcePerMinute * GLOBAL_FAILURE_FACTOR, WINDOW_MS, now);
  }

  /**
   * Records a failed attempt from `ip`. Returns 0 when it is answered as a plain failure (401), else
   * the milliseconds until its source (or everyone) is below the limit again (429 with Retry-After).
   */
  fail(ip: string): number {
    const source = addressBucket(ip);
    const waitMs = Math.max(this.perSource.retryAfterMs(source), this.everyone.retryAfterMs(EVERYONE));
    if (waitMs > 0) return waitMs;
    this.perSource.fail(source);
    this.everyone.fail(EVERYONE);
    return 0;
  }
}
