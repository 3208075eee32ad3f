/**
 * Stages register small probes here; MQTT `health`, the dashboard's /api/health and /metrics all read
 * the same snapshot, so the three can never disagree.
 *
 * The registry also carries what the process shell (main.ts) acts on: liveness checks, which decide
 * whether the systemd watchdog is pinged, and failures, which stop the daemon with exit 1.
 */
export type Probe = () => Record<string, unknown>;

/** Whether a stage is doing its job right now; `reason` says why not. */
export interface Liveness {
  ok: boolean;
  reason?: string;
}

export type FailureListener = (source: string, err: Error) => void;

export class HealthRegistry {
  private readonly probes = new Map<string, Probe>();
  private readonly checks = new Map<string, () => Liveness>();
  private readonly failureListeners: FailureListener[] = [];
  private failure: { source: string; err: Error } | undefined;
  private readonly startedAt = Date.now();

  register(name: string, probe: Probe): void {
    this.probes.set(name, probe);
  }

  /** Removes the stage's probe and its liveness check. */
  unregister(name: string): void {
    this.probes.delete(name);
    this.checks.delete(name);
  }

  registerLiveness(name: string, check: () => Liveness): void {
    this.checks.set(name, check);
  }

  /** Live when no stage has failed and every check passes (none registered: the event loop runs, that is all). */
  liveness(): Liveness {
    if (this.failure) return { ok: false, reason: `${this.failure.source} failed: ${this.failure.err.message}` };
    const reasons: string[] = [];
    for (const [name, check] of this.checks) {
      let result: Liveness;
      try {
        result = check();
      } catch (err) {
        result = { ok: false, reason: err instanceof Error ? err.message : String(err) };
      }
      if (!result.ok) reasons.push(`${name}: ${result.reason ?? 'not live'}`);
    }
    return reasons.length === 0 ? { ok: true } : { ok: false, reason: reasons.join('; ') };
  }

  /** A stage that cannot go on says so here; the first failure is kept and passed to every listener. */
  fail(source: string, err: Error): void {
    if (this.failure) return;
    this.failure = { source, err };
    for (const listener of this.failureListeners) listener(source, err);
  }

  /** main.ts listens to stop the daemon with exit 1 (systemd's Restart=on-failure starts it again). */
  onFailure(listener: FailureListener): void {
    this.failureListeners.push(listener);
    if (this.failure) listener(this.failure.source, this.failure.err);
  }

  snapshot(): Record<string, unknown> {
    const out: Record<string, unknown> = { uptime_s: Math.round((Date.now() - this.startedAt) / 1000) };
    for (const [name, probe] of this.probes) {
      try {
        out[name] = probe();
      } catch (err) {
        out[name] = { error: err instanceof Error ? err.message : String(err) };
      }
    }
    return out;
  }
}
