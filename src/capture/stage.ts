import type { Logger } from 'pino';
import type { HealthRegistry } from '../core/health.ts';
import type { Mailbox } from '../core/mailbox.ts';
import { throwIfAborted, type Stage } from '../core/stage.ts';
import type { Frame } from '../core/types.ts';
import { detectSource } from './auto-detect.ts';
import type { CaptureConfig } from '../config/capture.ts';
import { FpsMeter } from './fps-meter.ts';
import { FramePool } from './frame-pool.ts';
import { maskCredentials } from '../config/mask.ts';
import { parseSourceSpec } from './source-spec.ts';
import { prepareSource, type PreparedSource } from './sources.ts';
import { Supervisor, type CaptureState } from './supervisor.ts';

export interface CaptureStageOptions {
  config: CaptureConfig;
  log: Logger;
  frames: Mailbox<Frame>;
  health: HealthRegistry;
}

export type CaptureHealth = {
  state: CaptureState;
  source: string;
  width: number;
  height: number;
  fps: number;
  captured: number;
  processed: number;
  dropped: number;
  restarts: number;
  lastError: string | null;
  /** Frame buffers allocated so far: flat once consumers release what they take. */
  buffers: number;
};

/**
 * Capture: turns capture.source into rgb24 frames of capture.width x capture.height offered to the
 * one-slot frame mailbox (latest wins; a slow consumer costs dropped frames, never memory), and
 * keeps the source alive through crashes and stalls. start() resolves once the source is checked
 * and launched, not when the first frame arrives: a camera that is still booting is retried.
 */
export class CaptureStage implements Stage {
  readonly name = 'capture';
  private supervisor: Supervisor | undefined;
  private prepared: PreparedSource | undefined;
  private pool: FramePool | undefined;
  private readonly fps = new FpsMeter();
  private seq = 0;
  /** pace lockstep holds ffmpeg back only for files; a live source cannot wait. */
  private lockstep = false;

  constructor(private readonly opts: CaptureStageOptions) {}

  async start(signal: AbortSignal): Promise<void> {
    const { config, log, health } = this.opts;
    const parsed = parseSourceSpec(config.source);
    const spec = parsed.kind === 'auto' ? await detectSource(signal, log) : parsed;
    throwIfAborted(signal);
    if (spec.kind === 'auto') throw new Error('unreachable: auto resolved to auto');
    this.prepared = await prepareSource(spec, config);
    this.lockstep = config.pace === 'lockstep' && spec.kind === 'file';
    throwIfAborted(signal);

    this.pool = new FramePool(config.width * config.height * 3);
    this.supervisor = new Supervisor({
      launch: this.prepared.launch,
      pool: this.pool,
      onFrame: (data) => this.offer(data),
      log,
      config,
    });
    health.register('capture', () => this.health());
    this.supervisor.start();
    log.info(
      {
        source: this.prepared.description,
        width: config.width,
        height: config.height,
        fit: config.fit,
        ...(this.prepared.ffmpeg ? { ffmpeg: this.prepared.ffmpeg.path, ffmpegFrom: this.prepared.ffmpeg.origin } : {}),
      },
      'capture source launched',
    );
  }

  async stop(): Promise<void> {
    await this.supervisor?.stop();
  }

  health(): CaptureHealth {
    const counters = this.opts.frames.counters;
    return {
      state: this.supervisor?.state ?? 'idle',
      source: this.prepared?.description ?? maskCredentials(this.opts.config.source),
      width: this.opts.config.width,
      height: this.opts.config.height,
      fps: Math.round(this.fps.fps() * 10) / 10,
      captured: this.seq,
      processed: counters.taken,
      dropped: counters.dropped,
      restarts: this.supervisor?.restarts ?? 0,
      lastError: this.supervisor?.lastError ?? null,
      buffers: this.pool?.allocated ?? 0,
    };
  }

  /** Process ids of the running source (tests kill or pause them; the benchmark reads their CPU time). */
  get sourcePids(): readonly number[] {
    return this.supervisor?.pids ?? [];
  }

  /** Returns a promise when the next frame must wait for this one to be taken (files, pace lockstep). */
  private offer(data: Uint8Array): void | Promise<void> {
    const { frames, config } = this.opts;
    const monoMs = performance.now();
    const pool = this.pool!;
    let released = false;
    const release = (): void => {
      // Once only: a buffer in the pool twice would back two live frames.
      if (released) return;
      released = true;
      pool.release(data);
    };
    const frame: Frame = { seq: this.seq++, monoMs, wallMs: Date.now(), width: config.width, height: config.height, data, release };
    this.fps.tick(monoMs);
    // A frame the mailbox displaced was overwritten unseen: its buffer can be reused. A frame a
    // consumer took comes back only through its release(), once the consumer is done with it.
    frames.offer(frame)?.release?.();
    if (this.lockstep) return frames.whenEmpty();
  }
}
