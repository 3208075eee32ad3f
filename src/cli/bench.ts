import { Command, InvalidArgumentError } from 'commander';
import { pino } from 'pino';
import { loadConfig } from '../config/load.ts';
import type { CaptureConfig } from '../config/capture.ts';
import { parseSourceSpec } from '../capture/source-spec.ts';
import { ConfigError } from '../core/errors.ts';

/**
 * The `bench` command family. Other subcommands (end-to-end) attach to the same parent through
 * benchCommand(program), whichever module registers first.
 */
export function benchCommand(program: Command): Command {
  return program.commands.find((c) => c.name() === 'bench') ?? program.command('bench').description('measure speed and CPU cost (prints figures; changes nothing)');
}

const positiveInt = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return n;
};

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

export function registerBenchCommands(program: Command): void {
  benchCommand(program)
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
      process.stdout.write((opts.json ? JSON.stringify(result) : formatCaptureBench(result)) + '\n');
      process.exitCode = 0;
    });
}
