import type { Logger } from 'pino';
import type { CaptureConfig } from '../config/capture.ts';
import type { FramePool } from './frame-pool.ts';
import type { Launcher, RunEnd, SourceRun } from './run.ts';
import { maskCredentials } from '../config/mask.ts';

/**
 * starting: a run was launched, no frame yet · streaming: frames arrive · stalled: no frame for
 * stallTimeoutMs (or no first one within startTimeoutMs), the run is being killed · backoff: waiting to restart · failed: gave up after
 * maxRestarts · ended: a finite source (file without loop) played to its end · stopped: by stop().
 */
export type CaptureState = 'idle' | 'starting' | 'streaming' | 'stalled' | 'backoff' | 'failed' | 'ended' | 'stopped';

/** A run that streamed this long counts as healthy: the next failure starts the backoff afresh. */
export const HEALTHY_RUN_MS = 10_000;

export interface SupervisorOptions {
  launch: Launcher;
  pool: FramePool;
  /** A returned promise holds back the next frame until it settles (pace lockstep). */
  onFrame: (data: Uint8Array) => void | Promise<void>;
  log: Logger;
  config: Pick<CaptureConfig, 'startTimeoutMs' | 'stallTimeoutMs' | 'backoffInitialMs' | 'backoffMaxMs' | 'maxRestarts'>;
  /** stderr lines logged per window; the rest are counted and summarised. */
  stderrLines?: number;
  stderrWindowMs?: number;
}

/**
 * Keeps a source producing frames: launches a run, restarts it when it exits, errors or stalls,
 * with exponential backoff (backoffInitialMs doubling up to backoffMaxMs), and gives up only after
 * maxRestarts consecutive failures when that is set. Runs in the background; never throws.
 */
export class Supervisor {
  state: CaptureState = 'idle';
  restarts = 0;
  lastError: string | null = null;
  private current: SourceRun | undefined;
  private loopDone: Promise<void> | undefined;
  private readonly abort = new AbortController();
  private lastFrameAt = 0;
  private lastStderr: string | undefined;
  private stderrWindowStart = 0;
  private stderrInWindow = 0;
  private stderrSuppressed = 0;

  constructor(private readonly opts: SupervisorOptions) {}

  get pids(): readonly number[] {
    return this.current?.pids ?? [];
  }

  start(): void {
    this.loopDone ??= this.loop().catch((err) => {
      this.setState('failed');
      this.lastError = (err as Error).message;
      this.opts.log.error({ err }, 'capture supervisor crashed');
    });
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.current?.stop();
    await this.loopDone;
    this.flushSuppressed();
    this.setState('stopped');
  }

  private setState(state: CaptureState): void {
    if (this.state === state) return;
    this.state = state;
    this.opts.log.debug({ state }, 'capture state');
  }

  private async loop(): Promise<void> {
    const { config, log } = this.opts;
    let failures = 0;
    while (!this.abort.signal.aborted) {
      this.setState('starting');
      this.lastStderr = undefined;
      const startedAt = performance.now();
      let firstFrameAt: number | undefined;
      let stalled = false;
      const run = launchSafely(this.opts.launch, {
        pool: this.opts.pool,
        frame: (data) => {
          const now = performance.now();
          this.lastFrameAt = now;
          if (firstFrameAt === undefined) {
            firstFrameAt = now;
            log.info({ restarts: this.restarts, startupMs: Math.round(now - startedAt) }, 'capture streaming');
          }
          if (this.state === 'starting') this.setState('streaming');
          return this.opts.onFrame(data);
        },
        stderr: (label, line) => this.stderr(label, line),
      });
      this.current = run;
      // Stall watchdog: checks a few times per timeout, so detection takes at most ~1.25x the timeout.
      const watchdog = setInterval(
        () => {
          if (stalled || this.abort.signal.aborted) return;
          const starting = firstFrameAt === undefined;
          const silentMs = performance.now() - (starting ? startedAt : this.lastFrameAt);
          const limitMs = starting ? config.startTimeoutMs : config.stallTimeoutMs;
          if (silentMs < limitMs) return;
          stalled = true;
          this.setState('stalled');
          this.lastError = starting ? `no first frame within ${limitMs} ms` : `stalled: no frame for ${Math.round(silentMs)} ms`;
          log.warn({ silentMs: Math.round(silentMs), limitMs, starting }, 'capture source stalled; restarting it');
          void run.stop();
        },
        Math.max(25, Math.min(1000, Math.min(config.stallTimeoutMs, config.startTimeoutMs) / 4)),
      );
      let end: RunEnd;
      try {
        end = await run.ended;
      } finally {
        clearInterval(watchdog);
      }
      this.current = undefined;
      if (this.abort.signal.aborted) return;

      if (end.success && run.finite && !stalled) {
        this.setState('ended');
        log.info('capture source ended (file played once; set capture.loop to repeat it)');
        return;
      }
      const healthy = firstFrameAt !== undefined && performance.now() - firstFrameAt >= HEALTHY_RUN_MS;
      failures = healthy ? 1 : failures + 1;
      if (!stalled) this.lastError = this.lastStderr ? `${end.detail}: ${this.lastStderr}` : end.detail;
      if (config.maxRestarts > 0 && failures > config.maxRestarts) {
        this.setState('failed');
        log.error({ failures, lastError: this.lastError }, 'capture source keeps failing: giving up (capture.maxRestarts)');
        return;
      }
      const delayMs = Math.min(config.backoffInitialMs * 2 ** (failures - 1), config.backoffMaxMs);
      this.setState('backoff');
      log.warn({ delayMs, failures, restarts: this.restarts, lastError: this.lastError }, 'capture source stopped; restarting after backoff');
      await sleep(delayMs, this.abort.signal);
      if (this.abort.signal.aborted) return;
      this.restarts++;
    }
  }

  /** ffmpeg can print a line per frame when a stream is damaged: log a few, count the rest. */
  private stderr(label: string, text: string): void {
    // ffmpeg quotes the input URL in its errors, password included.
    const line = maskCredentials(text);
    this.lastStderr = line;
    const now = performance.now();
    const windowMs = this.opts.stderrWindowMs ?? 10_000;
    if (now - this.stderrWindowStart >= windowMs) {
      this.flushSuppressed();
      this.stderrWindowStart = now;
      this.stderrInWindow = 0;
    }
    if (this.stderrInWindow < (this.opts.stderrLines ?? 10)) {
      this.stderrInWindow++;
      this.opts.log.warn({ proc: label, line }, 'capture source says');
    } else {
      this.stderrSuppressed++;
    }
  }

  private flushSuppressed(): void {
    if (this.stderrSuppressed === 0) return;
    this.opts.log.warn({ suppressed: this.stderrSuppressed }, 'capture source stderr lines suppressed (rate limit)');
    this.stderrSuppressed = 0;
  }
}

/** A launcher that throws (bad argv, no permission) becomes a failed run, retried like any other. */
function launchSafely(launch: Launcher, hooks: Parameters<Launcher>[0]): SourceRun {
  try {
    return launch(hooks);
  } catch (err) {
    return { pids: [], finite: false, ended: Promise.resolve({ success: false, detail: (err as Error).message }), stop: async () => {} };
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
