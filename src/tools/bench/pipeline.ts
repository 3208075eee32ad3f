import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { AudienceStage } from '../../audience/stage.ts';
import { processCpuMs } from './capture-bench.ts';
import { CaptureStage } from '../../capture/stage.ts';
import type { GlanceConfig } from '../../config/schema.ts';
import { EventBus } from '../../core/bus.ts';
import { HealthRegistry } from '../../core/health.ts';
import { Mailbox } from '../../core/mailbox.ts';
import type { Stage } from '../../core/stage.ts';
import type { Frame, FrameFaces, GlanceEvents } from '../../core/types.ts';
import { InferenceStage } from '../../inference/stage.ts';
import { StoreStage } from '../../telemetry/store/stage.ts';
import { FrameTimings, modelTasks, type StageTimes } from './frame-timings.ts';
import { round } from '../../core/numbers.ts';
import { RssSampler } from './sample-stats.ts';

/** The file paces a benchmark can use (realtime would measure the clip's rate, not the pipeline). */
export type BenchPace = Exclude<GlanceConfig['capture']['pace'], 'realtime'>;

export interface PipelineBenchOptions {
  /** Stop after this many analysed frames (after the first, which is not counted)… */
  frames?: number;
  /** …or after this many seconds. */
  durationS?: number;
  timeoutMs?: number;
  /**
   * asfast (default): ffmpeg decodes flat out and the mailbox drops what inference misses, as with
   * a camera. lockstep: each frame only once inference took the last, so a worker-thread analyzer
   * does not lose the second core to decoding frames that are then dropped.
   */
  pace?: BenchPace;
}

export interface PipelineBenchResult {
  source: string;
  width: number;
  height: number;
  frames: number;
  seconds: number;
  fps: number;
  /** Mean ms per analysed frame; decode is the source processes' CPU time per analysed frame. */
  stageMs: StageTimes;
  /** From frame capture (frame.monoMs) to the audience tracker having taken the frame's faces. */
  latencyMs: { p50: number; p95: number; p99: number };
  facesPerFrame: number;
  /** Frames the source delivered that inference never saw (mailbox, latest wins). */
  dropped: number;
  /** CPU time over wall time, % of one core. */
  cpu: { node: number; source: number; total: number };
  peakRssMb: number;
  /** Peak RSS in each fifth of the run, and the last's minus the first's (MB). */
  rssGrowthMb: { fifths: number[]; growth: number };
  /**
   * How late the event loop ran timers during the run (ms): what MQTT, HTTP and capture reading wait
   * at worst while inference holds the thread (onnxruntime-node runs a session synchronously).
   */
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  loadAverage: number[];
  /** Model name → execution provider it runs on. */
  providers: Record<string, string>;
}

/**
 * The daemon's own stages on a file in-process: capture (pace asfast) → mailbox → inference →
 * audience tracker → store on a throw-away SQLite file. Nothing is mocked; the bench only listens
 * on the bus. Listeners run in subscription order, so marks placed around the store's and the
 * audience's own listeners time those two stages exactly.
 */
export async function benchPipeline(config: GlanceConfig, opts: PipelineBenchOptions, log: Logger): Promise<PipelineBenchResult> {
  const limitFrames = opts.frames ?? (opts.durationS === undefined ? 300 : Infinity);
  const limitMs = opts.durationS === undefined ? Infinity : opts.durationS * 1000;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'glance-bench-'));
  const frames = new Mailbox<Frame>();
  const health = new HealthRegistry();
  const bus = new EventBus<GlanceEvents>(log);
  const child = (module: string) => log.child({ module });
  const timings = new FrameTimings(modelTasks(config));
  const cfg: GlanceConfig = { ...config, capture: { ...config.capture, pace: opts.pace ?? 'asfast', loop: true }, storage: { ...config.storage, dataDir } };

  const started: Stage[] = [];
  const abort = new AbortController();
  const timeout = setTimeout(() => abort.abort(new Error(`bench did not finish within ${opts.timeoutMs ?? 900_000} ms`)), opts.timeoutMs ?? 900_000);
  const rss = new RssSampler();
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  let done: () => void = () => {};
  const finished = new Promise<void>((resolve) => (done = resolve));
  abort.signal.addEventListener('abort', () => done(), { once: true });

  let t0 = 0;
  let firstSeq = -1;
  let counted = 0;
  let cpu0 = process.cpuUsage();
  let pids: number[] = [];
  let source0 = 0;
  let source1 = 0;
  let sampledAt = 0;
  const sampleSource = () => (source1 = pids.reduce((s, pid) => s + processCpuMs(pid), 0) || source1);

  bus.on('faces', (f) => timings.beforeStore(f));
  const capture = new CaptureStage({ config: cfg.capture, log: child('capture'), frames, health });
  const inference = new InferenceStage({ config: cfg.inference, privacy: cfg.privacy, log: child('inference'), frames, bus, health });
  try {
    const store = new StoreStage({ config: cfg.storage, privacy: cfg.privacy, log: child('store'), bus, health });
    await store.start(abort.signal);
    started.push(store);
    bus.on('faces', () => timings.afterStore());
    const audience = new AudienceStage({ config: cfg.audience, privacy: cfg.privacy, log: child('audience'), bus, health });
    await audience.start();
    started.push(audience);
    bus.on('faces', (f: FrameFaces) => {
      const now = performance.now();
      if (firstSeq < 0) {
        // The first frame pays for ffmpeg start-up and any lazy initialisation: measure from here.
        firstSeq = f.seq;
        t0 = now;
        cpu0 = process.cpuUsage();
        pids = [...capture.sourcePids];
        source0 = source1 = pids.reduce((s, pid) => s + processCpuMs(pid), 0);
        sampledAt = now;
        rss.start();
        loopDelay.enable();
        return;
      }
      timings.afterAudience(f, now);
      counted++;
      if (now - sampledAt > 200) {
        sampledAt = now;
        sampleSource();
      }
      if (counted >= limitFrames || now - t0 >= limitMs) done();
    });
    await inference.start(abort.signal);
    started.push(inference);
    await capture.start(abort.signal);
    started.push(capture);
    await finished;
    if (abort.signal.aborted) throw abort.signal.reason;
    sampleSource();
    const wallMs = performance.now() - t0;
    const nodeCpu = process.cpuUsage(cpu0);
    const nodeMs = (nodeCpu.user + nodeCpu.system) / 1000;
    const pct = (ms: number) => round((ms / wallMs) * 100);
    const h = capture.health();
    const providers = ((health.snapshot().inference ?? {}) as { providers?: Record<string, string> }).providers ?? {};
    return {
      source: h.source,
      width: cfg.capture.width,
      height: cfg.capture.height,
      frames: counted,
      seconds: round(wallMs / 1000, 2),
      fps: round((counted * 1000) / wallMs),
      stageMs: timings.stageMeans((source1 - source0) / Math.max(1, counted)),
      latencyMs: timings.latency(),
      facesPerFrame: timings.facesPerFrame(),
      dropped: h.dropped,
      cpu: { node: pct(nodeMs), source: pct(source1 - source0), total: pct(nodeMs + source1 - source0) },
      peakRssMb: round(rss.stop() / 1048576),
      rssGrowthMb: mb(rss.growth()),
      eventLoopDelayMs: { p50: round(loopDelay.percentile(50) / 1e6), p99: round(loopDelay.percentile(99) / 1e6), max: round(loopDelay.max / 1e6) },
      loadAverage: (await import('node:os')).loadavg().map((v) => round(v, 2)),
      providers,
    };
  } finally {
    clearTimeout(timeout);
    rss.stop();
    loopDelay.disable();
    frames.close();
    // Reverse order, as app.ts: capture first, so nothing new arrives while the rest stops.
    for (const stage of started.reverse()) {
      try {
        await stage.stop();
      } catch (err) {
        log.warn({ err, stage: stage.name }, 'stop failed');
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function mb(g: { fifths: number[]; growth: number }): { fifths: number[]; growth: number } {
  return { fifths: g.fifths.map((v) => round(v / 1048576)), growth: round(g.growth / 1048576) };
}
