import type { Logger } from 'pino';
import { LogBudget } from '../../core/log-budget.ts';

/**
 * A signage player changes content every few seconds at the most; anyone on the broker can send
 * thousands of `content/set` a second, and each change reaches the audience stage, the store's
 * aggregates and the log. So at most one change is applied per MIN_INTERVAL_MS: a change that comes
 * sooner is held, and when the interval has passed the newest held one is applied (the last one wins,
 * so the player's final word is never lost). Change lines are budgeted like rejected inputs.
 */
export const MIN_INTERVAL_MS = 1000;
const LOG_LINES_PER_MINUTE = 10;
const LOG_WINDOW_MS = 60_000;

export interface ContentThrottleOptions {
  log: Logger;
  /** Called once per applied change, with the id now playing (null: nothing). */
  onChange: (contentId: string | null) => void;
  minIntervalMs?: number;
  now?: () => number;
}

export class ContentThrottle {
  private current: string | null = null;
  /** The newest change waiting for the interval to pass; undefined when none is held. */
  private held: { contentId: string | null } | undefined;
  private lastChangeAt = -Infinity;
  private timer: NodeJS.Timeout | undefined;
  private readonly logs: LogBudget;
  private readonly now: () => number;

  constructor(private readonly opts: ContentThrottleOptions) {
    this.now = opts.now ?? Date.now;
    this.logs = new LogBudget(
      LOG_LINES_PER_MINUTE,
      LOG_WINDOW_MS,
      (count) => opts.log.info({ changes: count, contentId: this.current }, `content changed ${count} more time(s) in the last minute (not logged one by one); now playing: ${this.current ?? '(none)'}`),
      this.now,
    );
  }

  /** The content id now playing (after throttling). */
  get contentId(): string | null {
    return this.current;
  }

  offer(contentId: string | null): void {
    if (this.timer) {
      this.held = { contentId };
      return;
    }
    const waitMs = this.lastChangeAt + (this.opts.minIntervalMs ?? MIN_INTERVAL_MS) - this.now();
    if (waitMs <= 0) return this.apply(contentId);
    this.held = { contentId };
    this.timer = setTimeout(() => this.release(), waitMs);
  }

  /** Drops a held change and writes the pending log summary. */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.held = undefined;
    this.logs.flush();
  }

  private release(): void {
    this.timer = undefined;
    const held = this.held;
    this.held = undefined;
    if (held) this.apply(held.contentId);
  }

  private apply(contentId: string | null): void {
    // The same id again is no change: it neither counts against the interval nor logs a line.
    if (contentId === this.current) return;
    const previous = this.current;
    // Before the change: a summary written now is about the window that ended with `previous` playing.
    const logged = this.logs.take();
    this.current = contentId;
    this.lastChangeAt = this.now();
    if (logged) this.opts.log.info({ contentId, previous }, `content now playing: ${contentId ?? '(none)'}`);
    this.opts.onChange(contentId);
  }
}
