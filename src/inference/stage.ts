import type { Logger } from 'pino';
import type { PrivacyConfig } from '../config/privacy.ts';
import type { EventBus } from '../core/bus.ts';
import type { HealthRegistry } from '../core/health.ts';
import type { Mailbox } from '../core/mailbox.ts';
import { throwIfAborted, type Stage } from '../core/stage.ts';
import type { Frame, GlanceEvents } from '../core/types.ts';
import { createAnalyzer, type Analyzer, type AnalyzerOptions } from './analyzer.ts';
import type { InferenceConfig } from '../config/inference.ts';
import { InferenceStats } from './stats.ts';
import { startWorkerAnalyzer } from './worker/analyzer-proxy.ts';

export interface InferenceStageDeps {
  config: InferenceConfig;
  privacy: PrivacyConfig;
  log: Logger;
  frames: Mailbox<Frame>;
  bus: EventBus<GlanceEvents>;
  health: HealthRegistry;
  /** Tests may swap how models are opened; the daemon never does. */
  analyzerOptions?: AnalyzerOptions;
}

/**
 * Pulls the newest frame from the mailbox, analyses it and emits `faces` on the bus. Models are
 * loaded and warmed up in start(), so the daemon reports ready only once the first real frame can be
 * served at full speed; a missing or corrupt model fails start-up with a ResourceError (exit 3).
 */
export class InferenceStage implements Stage {
  readonly name = 'inference';
  private analyzer: Analyzer | undefined;
  private loop: Promise<void> | undefined;
  private readonly stopping = new AbortController();
  private readonly stats = new InferenceStats();
  private inWorker = false;
  private starting: Promise<void> | undefined;

  constructor(private readonly deps: InferenceStageDeps) {}

  start(signal: AbortSignal): Promise<void> {
    this.starting = this.open(signal);
    return this.starting;
  }

  private async open(signal: AbortSignal): Promise<void> {
    const { config, privacy, log, health } = this.deps;
    // The daemon's analyzer runs in a worker thread; tests that swap how models open stay in-process.
    this.inWorker = config.worker && !this.deps.analyzerOptions;
    const analyzer = this.inWorker ? await startWorkerAnalyzer(config, privacy, log) : await createAnalyzer(config, privacy, log, this.deps.analyzerOptions);
    this.analyzer = analyzer;
    throwIfAborted(signal);
    const t0 = performance.now();
    await analyzer.warmUp();
    log.info(
      { models: analyzer.models.map((m) => ({ name: m.name, task: m.task, provider: m.provider })), warmUpMs: Math.round(performance.now() - t0) },
      'models loaded and warmed up',
    );
    throwIfAborted(signal);
    health.register('inference', () => this.probe());
    this.loop = this.run(analyzer);
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    // A signal during start-up stops the stage while its models are still loading: wait for them,
    // so the analyzer (and its worker thread, which would keep the process alive) is closed below.
    await this.starting?.catch(() => undefined);
    await this.loop;
    this.deps.health.unregister('inference');
    await this.analyzer?.close();
    this.analyzer = undefined;
  }

  private async run(analyzer: Analyzer): Promise<void> {
    const { frames, bus, log } = this.deps;
    const signal = this.stopping.signal;
    let lastErrorLog = 0;
    while (!signal.aborted) {
      const frame = await frames.take(signal);
      if (!frame) break;
      try {
        const { faces, timingsMs } = await analyzer.analyzeTimed(frame);
        this.stats.record(timingsMs, faces.length, performance.now());
        bus.emit('faces', { seq: frame.seq, monoMs: frame.monoMs, wallMs: frame.wallMs, width: frame.width, height: frame.height, faces, timingsMs });
      } catch (err) {
        this.stats.errors++;
        // One bad frame must not stop the pipeline; log at most once a second to keep journald usable.
        const now = performance.now();
        if (now - lastErrorLog > 1000) {
          lastErrorLog = now;
          log.error({ err, seq: frame.seq, errors: this.stats.errors }, 'frame analysis failed');
        }
      } finally {
        // The analyzer keeps nothing of the frame's pixels once it has returned.
        frame.release?.();
      }
    }
  }

  private probe(): Record<string, unknown> {
    const providers: Record<string, string> = {};
    for (const m of this.analyzer?.models ?? []) providers[m.name] = m.provider;
    return {
      providers,
      thread: this.inWorker ? 'worker' : 'main',
      processed: this.stats.processed,
      errors: this.stats.errors,
      faces: this.stats.faces,
      fps: this.stats.fps(performance.now()),
      ms: this.stats.latency(),
      dropped: this.deps.frames.counters.dropped,
    };
  }
}
