import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import type { ExecutionContext } from 'ava';
import { parseConfig } from '../../src/config/load.ts';
import type { CaptureConfig } from '../../src/config/capture.ts';
import { resolveFfmpegPath } from '../../src/capture/executables.ts';
import { CaptureStage } from '../../src/capture/stage.ts';
import { HealthRegistry } from '../../src/core/health.ts';
import { Mailbox } from '../../src/core/mailbox.ts';
import type { Frame } from '../../src/core/types.ts';

/**
 * The capture config as the daemon would build it: schema defaults plus overrides. The ffmpeg
 * binary follows GLANCE_CAPTURE__FFMPEG_PATH like the daemon does, so the suite can be run against
 * the npm fallback binary too: GLANCE_CAPTURE__FFMPEG_PATH=node_modules/@ffmpeg-installer/linux-x64/ffmpeg.
 */
export function captureConfig(overrides: Partial<CaptureConfig>): CaptureConfig {
  const env: NodeJS.ProcessEnv = {};
  if (process.env.GLANCE_CAPTURE__FFMPEG_PATH) env.GLANCE_CAPTURE__FFMPEG_PATH = process.env.GLANCE_CAPTURE__FFMPEG_PATH;
  return { ...parseConfig('', env).capture, ...overrides };
}

export function ffmpegBin(): string {
  return resolveFfmpegPath(process.env.GLANCE_CAPTURE__FFMPEG_PATH).path;
}

export interface LogRecord {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** A real pino logger whose JSON lines are kept for assertions. */
export function memoryLogger(): { log: Logger; records: LogRecord[] } {
  const records: LogRecord[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n')) if (line) records.push(JSON.parse(line) as LogRecord);
      done();
    },
  });
  return { log: pino({ level: 'debug' }, sink), records };
}

export function tempDir(t: ExecutionContext, prefix = 'glance-capture-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function run(cmd: string, args: string[], timeoutMs = 60000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/**
 * A lossless clip whose every frame carries its own index: red = N mod 256, green = N div 256,
 * blue = 128. Decoded at its own size the value comes back exact, so count and order are checkable.
 */
export async function makeCountingClip(file: string, opts: { frames: number; fps: number; width: number; height: number }): Promise<void> {
  const duration = (opts.frames / opts.fps).toFixed(4);
  await run(ffmpegBin(), [
    '-hide_banner',
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `nullsrc=s=${opts.width}x${opts.height}:r=${opts.fps}:d=${duration},format=rgb24,geq=r='mod(N,256)':g='floor(N/256)':b=128`,
    '-frames:v',
    String(opts.frames),
    '-c:v',
    'ffv1',
    '-pix_fmt',
    'bgr0',
    file,
  ]);
}

/** The frame index written by makeCountingClip, read from the centre pixel. */
export function frameIndex(frame: Frame): number {
  const centre = (Math.floor(frame.height / 2) * frame.width + Math.floor(frame.width / 2)) * 3;
  return frame.data[centre] + 256 * frame.data[centre + 1];
}

export interface Harness {
  stage: CaptureStage;
  frames: Mailbox<Frame>;
  health: HealthRegistry;
  records: LogRecord[];
  /** Health snapshot of the capture probe. */
  capture(): ReturnType<CaptureStage['health']>;
}

/** A started capture stage with a real mailbox, health registry and logger; stopped at teardown. */
export async function startCapture(t: ExecutionContext, overrides: Partial<CaptureConfig>): Promise<Harness> {
  const { log, records } = memoryLogger();
  const frames = new Mailbox<Frame>();
  const health = new HealthRegistry();
  const stage = new CaptureStage({ config: captureConfig(overrides), log, frames, health });
  t.teardown(async () => {
    await stage.stop();
    frames.close();
  });
  await stage.start(new AbortController().signal);
  return { stage, frames, health, records, capture: () => health.snapshot().capture as ReturnType<CaptureStage['health']> };
}

/** Takes frames until `until` says stop or the deadline passes; every frame taken is returned. */
export async function collect(frames: Mailbox<Frame>, opts: { timeoutMs: number; until: (taken: Frame[]) => boolean }): Promise<Frame[]> {
  const taken: Frame[] = [];
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), opts.timeoutMs);
  try {
    while (!opts.until(taken)) {
      const frame = await frames.take(ac.signal);
      if (!frame) break;
      taken.push(frame);
    }
  } finally {
    clearTimeout(timer);
  }
  return taken;
}

/** Takes every frame until the source has ended (a file without loop) and the slot is empty. */
export async function takeUntilEnded(h: Harness, timeoutMs: number): Promise<Frame[]> {
  const taken: Frame[] = [];
  const end = performance.now() + timeoutMs;
  while (performance.now() < end) {
    const frame = await h.frames.take(refTimeout(200));
    if (frame) taken.push(frame);
    // Frames are all offered before the state becomes ended, so an empty slot then is the end.
    else if (h.capture().state === 'ended') break;
  }
  return taken;
}

/** Like AbortSignal.timeout, but its timer keeps the process alive (AbortSignal.timeout's does not). */
export function refTimeout(ms: number): AbortSignal {
  const ac = new AbortController();
  setTimeout(() => ac.abort(), ms);
  return ac.signal;
}
