import type { Command } from 'commander';
import { addModelOptions, type ModelOptions } from '../tools/inference-overrides.ts';
import { positiveIntOption } from './option-parsers.ts';

interface AnalyzeOptions extends ModelOptions {
  json?: boolean;
  annotate?: string;
  maxFrames?: string;
  every?: string;
}

/**
 * `glance analyze <image|video|folder>`: runs the same analyzer as the daemon on the user's files and
 * prints per-face results. Heavy modules load inside the action so `glance --help` stays instant.
 */
export function registerAnalyzeCommand(program: Command): void {
  const cmd = program
    .command('analyze <input>')
    .description('detect faces and estimate pose, emotion, age and gender in an image, a video or a folder of them')
    .option('--json', 'one JSON object per image or video frame (JSON Lines) instead of a table')
    .option('--annotate <out>', 'write a copy with boxes and labels: a file for one image, else a folder')
    .option('--max-frames <n>', 'videos: analyse at most this many frames')
    .option('--every <n>', 'videos: analyse every n-th frame', '1');
  addModelOptions(cmd).action(async (input: string, opts: AnalyzeOptions, c: Command) => {
    const maxFrames = opts.maxFrames === undefined ? undefined : positiveIntOption(opts.maxFrames, '--max-frames');
    const every = opts.every === undefined ? undefined : positiveIntOption(opts.every, '--every');
    const { runAnalyze } = await import('../tools/analyze/run.ts');
    process.exitCode = await runAnalyze(input, { ...opts, maxFrames, every }, c.optsWithGlobals<{ config?: string }>().config);
  });
}
