import { statfsSync } from 'node:fs';
import type { Logger } from 'pino';
import type { PrivacyConfig } from '../../config/privacy.ts';
import type { EventBus } from '../../core/bus.ts';
import type { HealthRegistry } from '../../core/health.ts';
import { throwIfAborted, type Stage } from '../../core/stage.ts';
import type { GlanceEvents, MinuteClosed } from '../../core/types.ts';
import type { StorageConfig } from '../../config/telemetry.ts';
import { MINUTE_MS } from './minute-book.ts';
import { Store } from './store.ts';

export interface StoreStageDeps {
  config: StorageConfig;
  privacy: PrivacyConfig;
  log: Logger;
  bus: EventBus<GlanceEvents>;
  health: HealthRegistry;
  /**
   * How long after its end a minute stays open for late visits (a visit is emitted maxAbsenceMs after
   * its face was last seen, and counts in that minute). app.ts passes audience.maxAbsenceMs + margin.
   */
  closeDelayMs?: number;
  /** How often the clock is checked when no frame arrives (camera down); tests shorten it. */
  tickMs?: number;
  /** Wall clock, for when no frame has arrived yet. */
  now?: () => number;
}

export const DEFAULT_CLOSE_DELAY_MS = 10_000;
const DAY_MS = 86_400_000;

/**
 * Keeps the aggregate store: counts frames and faces and adds visits to the open minute in memory,
 * writes each minute in one transaction once its close delay has passed, then emits `minuteClosed`.
 *
 * Time is the frames' wall clock (wallMs), advanced between frames by the monotonic clock, so a
 * scripted run is deterministic and a stalled camera still closes minutes.
 *
 * Crash and restart (docs/metrics.md, "Storage"): memory holds only what is not committed, and a
 * write adds to what is stored for its minute, so nothing is counted twice; a process killed before
 * a commit loses that open minute only (at most a minute plus the close delay), never a closed one.
 * Killed between commit and emit, the minute is stored but not emitted: consumers that must see
 * every minute register Store.onMinuteCommit, which runs inside the minute's transaction.
 */
export class StoreStage implements Stage {
  readonly name = 'store';
  private current: Store | undefined;
  private timers: NodeJS.Timeout[] = [];
  private lastFrame: { wallMs: number; monoMs: number } | undefined;
  private writeErrors = 0;
  private lastError: string | undefined;

  constructor(private readonly deps: StoreStageDeps) {}

  /** The open store, once started (the MQTT and dashboard stages read it). */
  get store(): Store | undefined {
    return this.current?.isOpen ? this.current : undefined;
  }

  async start(signal: AbortSignal): Promise<void> {
    const { config, privacy, log, bus, health } = this.deps;
    const store = await Store.open({ dataDir: config.dataDir, privacy, log, now: this.deps.now });
    if (signal.aborted) {
      store.close();
      throwIfAborted(signal);
    }
    this.current = store;
    log.info({ file: store.file, schema: store.schemaVersion }, 'store open');
    this.retain();

    bus.on(
      'faces',
      (frame) => {
        this.lastFrame = { wallMs: frame.wallMs, monoMs: performance.now() };
        store.recordFrame({ wallMs: frame.wallMs, faces: frame.faces.length });
        this.tick(frame.wallMs);
      },
      this,
    );
    bus.on(
      'visit',
      (visit) => {
        if (!store.recordVisit(visit)) log.warn({ rejected: store.rejected }, 'malformed visit skipped');
      },
      this,
    );
    const tick = setInterval(() => this.tick(this.clock()), this.deps.tickMs ?? 5000);
    const daily = setInterval(() => this.retain(), DAY_MS);
    tick.unref();
    daily.unref();
    this.timers = [tick, daily];

    health.register('store', () => this.probe());
  }

  /** Flushes every open minute (partial ones included) and closes the database. */
  async stop(): Promise<void> {
    this.deps.bus.removeListeners(this);
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    const store = this.current;
    if (store?.isOpen) {
      this.closeDue(Infinity);
      store.close();
    }
    this.deps.health.unregister('store');
  }

  /** Closes the minutes whose end + close delay is at or before nowMs. */
  tick(nowMs: number): void {
    const delay = this.deps.closeDelayMs ?? DEFAULT_CLOSE_DELAY_MS;
    this.closeDue(nowMs - delay - MINUTE_MS + 1);
  }

  private closeDue(beforeMs: number): void {
    const store = this.current;
    if (!store?.isOpen) return;
    for (const minute of store.openMinutes()) {
      if (minute >= beforeMs) break;
      let closed: MinuteClosed | undefined;
      try {
        closed = store.closeMinute(minute);
      } catch (err) {
        // The minute stays in memory and is retried on the next tick (disk full, I/O error).
        this.writeErrors++;
        this.lastError = (err as Error).message;
        this.deps.log.error({ err, minute: new Date(minute).toISOString() }, 'writing a minute failed; will retry');
        return;
      }
      if (closed) this.deps.bus.emit('minuteClosed', closed);
    }
  }

  /** Last frame time advanced by the monotonic clock since; the wall clock before any frame. */
  private clock(): number {
    if (!this.lastFrame) return this.deps.now?.() ?? Date.now();
    return this.lastFrame.wallMs + (performance.now() - this.lastFrame.monoMs);
  }

  private retain(): void {
    const store = this.current;
    if (!store?.isOpen) return;
    try {
      const r = store.retain();
      if (r.minutes + r.cells + r.outbox + r.backups > 0) this.deps.log.info(r, 'retention: old data deleted');
    } catch (err) {
      this.deps.log.error({ err }, 'retention failed; will retry tomorrow');
    }
  }

  private probe(): Record<string, unknown> {
    const store = this.current;
    if (!store?.isOpen) return { open: false };
    let diskFreeBytes: number | null = null;
    try {
      const fs = statfsSync(store.dir);
      diskFreeBytes = fs.bavail * fs.bsize;
    } catch {
      /* reported as null */
    }
    const last = store.lastClosedMinuteMs;
    return {
      open: true,
      file: store.file,
      sizeBytes: store.sizeBytes(),
      lastClosedMinute: last === null ? null : new Date(last).toISOString(),
      openMinutes: store.openMinutes().length,
      diskFreeBytes,
      writeErrors: this.writeErrors,
      lastError: this.lastError ?? null,
      rejected: store.rejected,
    };
  }
}
