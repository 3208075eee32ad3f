import type { Command } from 'commander';
import { pino } from 'pino';
import { loadConfig } from '../config/load.ts';
import type { CaptureConfig } from '../config/capture.ts';
import { parseSourceSpec } from '../capture/source-spec.ts';
import { ConfigError } from '../core/errors.ts';
import type { BenchPace } from '../tools/bench/pipeline.ts';
import { positiveInt, positiveNumber } from './option-parsers.ts';

/**
 * `glance bench`: `bench --source …` (the whole pipeline, the default subcommand) and `bench capture`.
 * Parsing only; the measuring is in src/tools/bench, loaded inside each action so that
 * `glance --help` stays instant. (`glance models bench` is with the models commands;
 * `npm run bench:peer` runs src/tools/bench/peer/run.ts.)
 */
export function registerBenchCommands(program: Command): void {
  const bench = program.command('bench').description('measure speed and CPU cost (prints figures; changes nothing)');
  registerCaptureBench(bench);
  registerPipelineBench(bench);
}

interface CaptureBenchOptions {
  source: string;
  frames: number;
  width?: number;
  height?: number;
  fps?: number;
  fit?: CaptureConfig['fit'];
  pace: CaptureConfig['pace'];
  json?: boolean;
}

function registerCaptureBench(bench: Command): void {
  bench
    .command('capture')
    .description('frames/s and CPU% of a capture source, decoded and scaled to capture.width x capture.height rgb24')
    .requiredOption('--source <source>', 'a capture.source string: file:PATH, rtsp://…, v4l2:/dev/videoN, demo, …')
    .option('--frames <n>', 'frames to measure after the first', positiveInt, 300)
    .option('--width <px>', 'output width (default: capture.width)', positiveInt)
    .option('--height <px>', 'output height (default: capture.height)', positiveInt)
    .option('--fps <n>', 'camera/slideshow rate (default: capture.fps)', positiveInt)
    .option('--fit <fit>', 'pad | stretch | crop (default: capture.fit)')
    .option('--pace <pace>', 'file: asfast (throughput) or realtime (CPU at the clip rate)', 'asfast')
    .option('--json', 'print the result as JSON')
    .action(async (opts: CaptureBenchOptions, cmd: Command) => {
      const global = cmd.optsWithGlobals<{ config?: string }>();
      const base = loadConfig(global.config).config.capture;
      if (opts.pace !== 'asfast' && opts.pace !== 'realtime') throw new ConfigError(`--pace ${opts.pace}: expected asfast or realtime`);
      if (opts.fit !== undefined && !['pad', 'stretch', 'crop'].includes(opts.fit)) throw new ConfigError(`--fit ${opts.fit}: expected pad, stretch or crop`);
      parseSourceSpec(opts.source);
      const config: CaptureConfig = {
        ...base,
        source: opts.source,
        width: opts.width ?? base.width,
        height: opts.height ?? base.height,
        fps: opts.fps ?? base.fps,
        fit: opts.fit ?? base.fit,
        pace: opts.pace,
        loop: true,
      };
      const { benchCapture, formatCaptureBench } = await import('../tools/bench/capture-bench.ts');
      const log = pino({ level: 'warn', base: { module: 'capture' } }, pino.destination(2));
      const result = await benchCapture(config, opts.frames, log);
      process.stdout.write(`${opts.json ? JSON.stringify(result) : formatCaptureBench(result)}\n`);
      process.exitCode = 0;
    });
}

interface PipelineBenchOptions {
  source?: string;
  frames?: number;
  duration?: number;
  width?: number;
  height?: number;
  json?: boolean;
  floor?: boolean;
  pace: BenchPace;
}

function registerPipelineBench(bench: Command): void {
  // The default subcommand, so `glance bench --source …` runs it while `bench capture --source …`
  // still reaches capture (options on the parent itself would swallow the subcommands' --source).
  bench
    .command('pipeline', { isDefault: true })
    .description('end-to-end frames/s, per-stage ms, latency, CPU and peak RSS of the real pipeline on a source')
    .option('--source <source>', 'end-to-end: a capture.source (file:PATH decodes as fast as it can)')
    .option('--frames <n>', 'frames to analyse after the first (default 300)', positiveInt)
    .option('--duration <s>', 'or seconds to run', positiveNumber)
    .option('--width <px>', 'frame width handed to inference (default: capture.width)', positiveInt)
    .option('--height <px>', 'frame height handed to inference (default: capture.height)', positiveInt)
    .option('--pace <pace>', 'file: asfast (decode flat out, drop what inference misses) or lockstep (every frame analysed, none decoded in vain)', 'asfast')
    .option('--floor', 'also print the physical floor (multiply-adds per frame at the measured GEMM rate)')
    .option('--json', 'print the result as JSON')
    .action(async (opts: PipelineBenchOptions, cmd: Command) => {
      const global = cmd.optsWithGlobals<{ config?: string }>();
      if (!opts.source) throw new ConfigError('glance bench: --source is required (or use a subcommand: glance bench --help)');
      if (opts.frames !== undefined && opts.duration !== undefined) throw new ConfigError('--frames and --duration are exclusive');
      if (opts.pace !== 'asfast' && opts.pace !== 'lockstep') throw new ConfigError(`--pace ${opts.pace}: expected asfast or lockstep`);
      parseSourceSpec(opts.source);
      const config = loadConfig(global.config).config;
      config.capture = { ...config.capture, source: opts.source, width: opts.width ?? config.capture.width, height: opts.height ?? config.capture.height };
      const { benchPipeline } = await import('../tools/bench/pipeline.ts');
      const { formatPipelineBench } = await import('../tools/bench/format-pipeline.ts');
      const log = pino({ level: 'warn' }, pino.destination(2));
      const result = await benchPipeline(config, { frames: opts.frames, durationS: opts.duration, pace: opts.pace }, log);
      let floor: unknown;
      if (opts.floor) {
        const { benchFloor, formatFloor } = await import('../tools/bench/floor.ts');
        const f = await benchFloor(config.inference, { facesPerFrame: result.facesPerFrame, measuredMsPerFrame: 1000 / result.fps });
        floor = f;
        if (!opts.json) process.stdout.write(`${formatFloor(f)}\n`);
      }
      process.stdout.write(`${opts.json ? JSON.stringify(floor ? { ...result, floor } : result) : formatPipelineBench(result)}\n`);
      process.exitCode = 0;
    });
}
