import { Command, InvalidArgumentError } from 'commander';
import { pino } from 'pino';
import { loadConfig } from '../config/load.ts';
import { parseSourceSpec } from '../capture/source-spec.ts';
import { benchCommand } from './bench.ts';
import type { BenchPace } from '../tools/bench/pipeline.ts';
import { ConfigError } from '../core/errors.ts';

const positiveInt = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return n;
};

const positiveNumber = (value: string): number => {
  const n = Number(value);
  if (!(n > 0) || !Number.isFinite(n)) throw new InvalidArgumentError('expected a positive number');
  return n;
};

interface PipelineOptions {
  source?: string;
  frames?: number;
  duration?: number;
  width?: number;
  height?: number;
  json?: boolean;
  floor?: boolean;
  pace: BenchPace;
}

/** `glance bench --source …` (the whole pipeline) and `glance bench floor`. Parsing only; the work is in src/bench. */
export function registerBenchPipeline(program: Command): void {
  // The default subcommand, so `glance bench --source …` runs it while `bench capture --source …`
  // still reaches capture (options on the parent itself would swallow the subcommands' --source).
  benchCommand(program)
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
    .action(async (opts: PipelineOptions, cmd: Command) => {
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
        if (!opts.json) process.stdout.write(formatFloor(f) + '\n');
      }
      process.stdout.write((opts.json ? JSON.stringify(floor ? { ...result, floor } : result) : formatPipelineBench(result)) + '\n');
      process.exitCode = 0;
    });
}
