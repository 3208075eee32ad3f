/**
 * At most `perWindow` log lines per fixed window for one kind of event; the rest are counted and
 * reported by one summary line when the window has ended. A flood (hostile inputs, refused logins)
 * must not flood the journal, yet nothing goes unsaid: the summary carries the count.
 */
export class LogBudget {
  private windowStart = -Infinity;
  private used = 0;
  private suppressed = 0;

  constructor(
    private readonly perWindow: number,
    private readonly windowMs: number,
    /** Writes the summary line for `count` events that were not logged one by one. */
    private readonly summarize: (count: number) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** True when one more line may be written now; otherwise the event is counted for the summary. */
  take(): boolean {
    this.roll();
    if (this.used < this.perWindow) {
      this.used += 1;
      return true;
    }
    this.suppressed += 1;
    return false;
  }

  /**
   * Starts a new window when the current one has ended, first summing up what it did not log.
   * Returns true when a new window began (callers with their own per-window counts reset them then).
   */
  roll(): boolean {
    const now = this.now();
    if (now - this.windowStart < this.windowMs) return false;
    this.flush();
    this.windowStart = now;
    this.used = 0;
    return true;
  }

  /** Writes the pending summary now (at stop, so a burst's count is not lost with the process). */
  flush(): void {
    if (this.suppressed === 0) return;
    const count = this.suppressed;
    this.suppressed = 0;
    this.summarize(count);
  }
}
