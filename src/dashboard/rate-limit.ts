/**
 * Counts failed attempts per client key in fixed windows. Used for logins and wrong Bearer tokens so a
 * token cannot be guessed at network speed. Memory is bounded: expired windows are swept and the
 * table never holds more than maxKeys entries (the oldest are evicted first).
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
