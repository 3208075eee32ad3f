import type { Command } from 'commander';
import { addModelOptions, type ModelOptions } from '../tools/inference-overrides.ts';

/**
 * `glance eval emotion|age-gender|detect`: accuracy on public labelled data, printed as tables and
 * written as JSON + Markdown (+ a confusion-matrix PNG) to --out. Heavy modules load in the actions.
 */
export function registerEvalCommands(program: Command): void {
  const evalCmd = program.command('eval').description('measure accuracy on labelled data (tables; JSON + Markdown reports)');
  const global = (c: Command) => c.optsWithGlobals<{ config?: string }>().config;

  addModelOptions(
    evalCmd
      .command('emotion')
      .description('emotion accuracy, per-class recall and confusion matrix; one folder per class (FER2013 layout)')
      .requiredOption('--data <dir>', 'folder with one sub-folder per class')
      .option('--cropped', 'images are already face crops (FER2013): feed them straight to the emotion model')
      .option('--limit <n>', 'evaluate an evenly spread subset of n images (quick runs)')
      .option('--out <dir>', 'report folder', 'test-output/eval/emotion'),
  ).action(async (opts: ModelOptions & { data: string; cropped?: boolean; limit?: string; out: string }, c: Command) => {
    const { runEval } = await import('../tools/eval/run.ts');
    process.exitCode = await runEval('emotion', opts, global(c));
  });

  addModelOptions(
    evalCmd
      .command('age-gender')
      .description('age MAE, ±5-year share, age-band and gender accuracy, broken down by gender and age band')
      .requiredOption('--data <dir>', 'folder with the images')
      .requiredOption('--labels <csv>', 'CSV with columns file,age,gender')
      .option('--limit <n>', 'evaluate an evenly spread subset of n images (quick runs)')
      .option('--out <dir>', 'report folder', 'test-output/eval/age-gender'),
  ).action(async (opts: ModelOptions & { data: string; labels: string; limit?: string; out: string }, c: Command) => {
    const { runEval } = await import('../tools/eval/run.ts');
    process.exitCode = await runEval('age-gender', opts, global(c));
  });

  addModelOptions(
    evalCmd
      .command('detect')
      .description('face detection precision, recall and AP; false positives on images without faces')
      .requiredOption('--data <dir>', 'folder with the images')
      .requiredOption('--boxes <csv>', 'CSV with columns file,left,top,width,height[,ignore]')
      .option('--negatives <files...>', 'images in --data with no human face (every detection there is a false positive)')
      .option('--iou <v>', 'IoU needed to match a box', '0.4')
      .option('--min-size <px>', 'smaller labelled faces are neither required nor penalised', '20')
      .option('--out <dir>', 'report folder', 'test-output/eval/detect'),
  ).action(async (opts: ModelOptions & { data: string; boxes: string; negatives?: string[]; iou: string; minSize: string; out: string }, c: Command) => {
    const { runEval } = await import('../tools/eval/run.ts');
    process.exitCode = await runEval('detect', opts, global(c));
  });
}
