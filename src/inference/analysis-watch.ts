import type { Liveness } from '../core/health.ts';

/** An analysis that outlasted inference.analysisTimeoutMs: it counts as a failed analysis. */
export class AnalysisTimeout extends Error {
  override name = 'AnalysisTimeout';
}

/**
 * What the inference stage knows about its own progress, for the watchdog and the health probe.
 * "Live" means frames are being analysed, or none is waiting: the stage is waiting for capture (a
 * camera that is down or restarting is capture's business, shown in its probe, and restarting the
 * daemon would not bring it back). Not live: an analysis has run longer than analysisTimeoutMs, one
 * that timed out is still running (in-process nothing can end it), the worker is dead or being
 * restarted, or the stage gave up.
 */
export class AnalysisWatch {
  consecutiveFailures = 0;
  timeouts = 0;
  restarts = 0;
  /** Set while the stage cannot analyse (worker dead or restarting, given up): the reason. */
  down: string | undefined;
  private runningSince: number | undefined;
  private abandoned = 0;

  constructor(private readonly timeoutMs: number) {}

  /**
   * Runs one analysis against the time-out. Rejects with AnalysisTimeout when the bound passes first,
   * or when the result came too late: an in-process run holds the event loop, so its timer can only
   * fire once the run is over. A run given up this way is counted until it settles (`settled`).
   */
  async within<T>(run: Promise<T>, onSettled: () => void = () => {}): Promise<T> {
    const t0 = performance.now();
    this.runningSince = t0;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), this.timeoutMs)));
    const guarded = run.then(
      (value) => ({ value }),
      (err: unknown) => ({ err }),
    );
    try {
      const outcome = await Promise.race([guarded, late]);
      if (outcome === 'late') {
        this.abandoned++;
        void guarded.then(() => {
          this.abandoned--;
          onSettled();
        });
        throw this.timedOut(performance.now() - t0);
      }
      onSettled();
      if ('err' in outcome) throw outcome.err;
      const ms = performance.now() - t0;
      if (ms > this.timeoutMs) throw this.timedOut(ms);
      return outcome.value;
    } finally {
      clearTimeout(timer);
      this.runningSince = undefined;
    }
  }

  /** Records the end of an analysis: a success ends a run of failures. */
  finished(ok: boolean): void {
    this.consecutiveFailures = ok ? 0 : this.consecutiveFailures + 1;
  }

  liveness(now = performance.now()): Liveness {
    if (this.down) return { ok: false, reason: this.down };
    if (this.runningSince !== undefined && now - this.runningSince > this.timeoutMs) {
      return { ok: false, reason: `an analysis has run for ${Math.round(now - this.runningSince)} ms (analysisTimeoutMs ${this.timeoutMs})` };
    }
    if (this.abandoned > 0) return { ok: false, reason: `${this.abandoned} timed-out analysis still running` };
    return { ok: true };
  }

  private timedOut(ms: number): AnalysisTimeout {
    this.timeouts++;
    return new AnalysisTimeout(`frame analysis took over ${this.timeoutMs} ms (inference.analysisTimeoutMs), gave up after ${Math.round(ms)} ms`);
  }
}
