import type { Logger } from 'pino';
import type { PrivacyConfig } from '../config/privacy.ts';
import type { EventBus } from '../core/bus.ts';
import type { HealthRegistry, Liveness } from '../core/health.ts';
import type { Mailbox } from '../core/mailbox.ts';
import { throwIfAborted, type Stage } from '../core/stage.ts';
import type { Frame, GlanceEvents } from '../core/types.ts';
import { createAnalyzer, type Analyzer, type AnalyzerOptions } from './analyzer.ts';
import type { InferenceConfig } from '../config/inference.ts';
import { InferenceStats } from './stats.ts';
import { startWorkerAnalyzer, type CreateThread, type WorkerAnalyzerHandle } from './worker/analyzer-proxy.ts';
import { AnalysisTimeout, AnalysisWatch } from './analysis-watch.ts';

export interface InferenceStageDeps {
  config: InferenceConfig;
  privacy: PrivacyConfig;
  log: Logger;
  frames: Mailbox<Frame>;
  bus: EventBus<GlanceEvents>;
  health: HealthRegistry;
  /** Tests may swap how models are opened; the daemon never does. */
  analyzerOptions?: AnalyzerOptions;
  /** Tests may create the worker thread themselves, to end it as a crash would; the daemon never does. */
  createThread?: CreateThread;
}

/**
 * Pulls the newest frame from the mailbox, analyses it and emits `faces` on the bus. Models are
 * loaded and warmed up in start(), so the daemon reports ready only once the first real frame can be
 * served at full speed; a missing or corrupt model fails start-up with a ResourceError (exit 3).
 *
 * At run time a failed frame is logged and skipped. An analysis that outlasts analysisTimeoutMs
 * counts as a failure; a worker thread that hung or died is ended and started again; after
 * maxConsecutiveFailures failures in a row the stage gives up (HealthRegistry.fail: the daemon stops
 * with exit 1). Its liveness (analysis-watch.ts) decides whether the systemd watchdog is pinged.
 */
export class InferenceStage implements Stage {
  readonly name = 'inference';
  private analyzer: Analyzer | undefined;
  /** The same object as analyzer when the models run in a worker thread. */
  private worker: WorkerAnalyzerHandle | undefined;
  private loop: Promise<void> | undefined;
  private readonly stopping = new AbortController();
  /** Aborted to wake the loop from waiting for a frame: at stop, or when the worker dies meanwhile. */
  private wake = new AbortController();
  private readonly stats = new InferenceStats();
  private readonly watch: AnalysisWatch;
  private inWorker = false;
  private lastErrorLog = 0;
  private starting: Promise<void> | undefined;

  constructor(private readonly deps: InferenceStageDeps) {
    this.watch = new AnalysisWatch(deps.config.analysisTimeoutMs);
  }

  start(signal: AbortSignal): Promise<void> {
    this.starting = this.open(signal);
    return this.starting;
  }

  private async open(signal: AbortSignal): Promise<void> {
    const { config, privacy, log, health } = this.deps;
    // The daemon's analyzer runs in a worker thread; tests that swap how models open stay in-process.
    this.inWorker = config.worker && !this.deps.analyzerOptions;
    const analyzer = this.inWorker ? await this.openWorker() : await createAnalyzer(config, privacy, log, this.deps.analyzerOptions);
    this.analyzer = analyzer;
    throwIfAborted(signal);
    const t0 = performance.now();
    await analyzer.warmUp();
    log.info({ models: analyzer.models.map((m) => ({ name: m.name, task: m.task, provider: m.provider })), warmUpMs: Math.round(performance.now() - t0) }, 'models loaded and warmed up');
    throwIfAborted(signal);
    health.register('inference', () => this.probe());
    health.registerLiveness('inference', () => this.liveness());
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    this.wake.abort();
    // A signal during start-up stops the stage while its models are still loading: wait for them,
    // so the analyzer (and its worker thread, which would keep the process alive) is closed below.
    await this.starting?.catch(() => undefined);
    await this.loop;
    this.deps.health.unregister('inference');
    await this.analyzer?.close();
    this.analyzer = undefined;
  }

  private async openWorker(): Promise<WorkerAnalyzerHandle> {
    const { config, privacy, log } = this.deps;
    const worker = await startWorkerAnalyzer(config, privacy, log, this.deps.createThread);
    this.analyzer = this.worker = worker;
    worker.onDeath((err) => {
      log.error({ err }, 'inference worker died');
      this.wake.abort();
    });
    return worker;
  }

  private async run(): Promise<void> {
    const { frames } = this.deps;
    while (!this.stopping.signal.aborted) {
      const died = this.worker?.died;
      if (died && !(await this.recover(`the worker died: ${died.message}`, died))) break;
      const frame = await frames.take(this.wake.signal);
      if (!frame) {
        if (this.stopping.signal.aborted || frames.isClosed) break;
        this.wake = new AbortController();
        continue;
      }
      if (!(await this.analyse(this.analyzer!, frame))) break;
    }
  }

  /** Analyses one frame; false once the stage has given up. */
  private async analyse(analyzer: Analyzer, frame: Frame): Promise<boolean> {
    const { bus } = this.deps;
    // The analyzer keeps nothing of the frame's pixels once it has returned; an in-process run that
    // timed out still reads them, so its frame goes back only when that run is over.
    let released = false;
    const release = () => {
      if (!released) frame.release?.();
      released = true;
    };
    try {
      const { faces, timingsMs } = await this.watch.within(analyzer.analyzeTimed(frame), release);
      this.watch.finished(true);
      this.stats.record(timingsMs, faces.length, performance.now());
      bus.emit('faces', { seq: frame.seq, monoMs: frame.monoMs, wallMs: frame.wallMs, width: frame.width, height: frame.height, faces, timingsMs });
      return true;
    } catch (err) {
      this.stats.errors++;
      this.logFailure(err, frame.seq);
      if (this.worker && (err instanceof AnalysisTimeout || this.worker.died)) {
        // The worker copied the frame into its own slot: nothing of it is still read here.
        release();
        return this.recover(err instanceof AnalysisTimeout ? 'an analysis timed out' : `the worker died: ${this.worker.died!.message}`, err);
      }
      return this.countFailure(err);
    }
  }

  /** Counts a failed analysis; gives up (false) at maxConsecutiveFailures in a row. */
  private countFailure(err: unknown): boolean {
    this.watch.finished(false);
    const { maxConsecutiveFailures } = this.deps.config;
    if (this.watch.consecutiveFailures < maxConsecutiveFailures) return true;
    return this.giveUp(`${maxConsecutiveFailures} failed analyses in a row (inference.maxConsecutiveFailures)`, err);
  }

  /** The stage cannot go on: not live from now on, and the daemon stops with exit 1. Returns false. */
  private giveUp(why: string, err: unknown): false {
    const message = err instanceof Error ? err.message : String(err);
    this.watch.down = `gave up: ${why}`;
    this.deps.log.error({ err, why }, 'inference gave up');
    this.deps.health.fail('inference', new Error(`inference gave up: ${why}; last error: ${message}`));
    return false;
  }

  /** A hung or dead worker: counts the failure, ends the thread and starts a new one; false once given up. */
  private async recover(reason: string, err: unknown): Promise<boolean> {
    if (!this.countFailure(err)) return false;
    const { log } = this.deps;
    this.watch.down = `restarting the inference worker: ${reason}`;
    log.warn({ reason, restarts: this.watch.restarts }, 'restarting the inference worker');
    // A slow run is let finish (terminating mid-run can abort the process); a hung one is terminated.
    // A thread stuck in native code cannot be ended at all: only the process exit (or systemd) can.
    if (!(await this.worker!.end())) return this.giveUp(`the inference worker did not end when terminated (${reason})`, err);
    try {
      const worker = await this.openWorker();
      await worker.warmUp();
    } catch (startErr) {
      return this.giveUp('the inference worker could not be started again', startErr);
    }
    this.watch.restarts++;
    this.watch.down = undefined;
    log.info({ restarts: this.watch.restarts }, 'inference worker restarted');
    return true;
  }

  /** One bad frame must not stop the pipeline; log at most once a second to keep journald usable. */
  private logFailure(err: unknown, seq: number): void {
    const now = performance.now();
    if (now - this.lastErrorLog <= 1000) return;
    this.lastErrorLog = now;
    this.deps.log.error({ err, seq, errors: this.stats.errors }, 'frame analysis failed');
  }

  private liveness(): Liveness {
    const died = this.worker?.died;
    if (died && !this.watch.down) return { ok: false, reason: `the inference worker died: ${died.message}` };
    return this.watch.liveness();
  }

  private probe(): Record<string, unknown> {
    const providers: Record<string, string> = {};
    for (const m of this.analyzer?.models ?? []) providers[m.name] = m.provider;
    return {
      providers,
      thread: this.inWorker ? 'worker' : 'main',
      processed: this.stats.processed,
      errors: this.stats.errors,
      timeouts: this.watch.timeouts,
      workerRestarts: this.watch.restarts,
      consecutiveFailures: this.watch.consecutiveFailures,
      live: this.liveness(),
      faces: this.stats.faces,
      fps: this.stats.fps(performance.now()),
      ms: this.stats.latency(),
      dropped: this.deps.frames.counters.dropped,
    };
  }
}
