import type { Command } from 'commander';
import { addModelOptions } from '../tools/inference-overrides.ts';
import type { EvalCliOptions, EvalKind } from '../tools/eval/run.ts';
import { positiveIntOption } from './option-parsers.ts';

/**
 * `glance eval emotion|age-gender|detect`: accuracy on public labelled data, printed as tables and
 * written as JSON + Markdown (+ a confusion-matrix PNG) to --out. Heavy modules load in the actions.
 */
export function registerEvalCommands(program: Command): void {
  const evalCmd = program.command('eval').description('measure accuracy on labelled data (tables; JSON + Markdown reports)');

  /** Every subcommand has the same frame: --data, its own options, --out test-output/eval/<kind>, the model choices. */
  const subcommand = (kind: EvalKind, description: string, data: string, own: (cmd: Command) => Command): void => {
    const cmd = own(evalCmd.command(kind).description(description).requiredOption('--data <dir>', data));
    addModelOptions(cmd.option('--out <dir>', 'report folder', `test-output/eval/${kind}`)).action(evalAction(kind));
  };
  const limit = 'evaluate an evenly spread subset of n images (quick runs)';

  subcommand('emotion', 'emotion accuracy, per-class recall and confusion matrix; one folder per class (FER2013 layout)', 'folder with one sub-folder per class', (c) =>
    c.option('--cropped', 'images are already face crops (FER2013): feed them straight to the emotion model').option('--limit <n>', limit),
  );
  subcommand('age-gender', 'age MAE, ±5-year share, age-band and gender accuracy, broken down by gender and age band', 'folder with the images', (c) =>
    c.requiredOption('--labels <csv>', 'CSV with columns file,age,gender').option('--limit <n>', limit),
  );
  subcommand('detect', 'face detection precision, recall and AP; false positives on images without faces', 'folder with the images', (c) =>
    c
      .requiredOption('--boxes <csv>', 'CSV with columns file,left,top,width,height[,ignore]')
      .option('--negatives <files...>', 'images in --data with no human face (every detection there is a false positive)')
      .option('--iou <v>', 'IoU needed to match a box', '0.4')
      .option('--min-size <px>', 'smaller labelled faces are neither required nor penalised', '20'),
  );
}

/** What commander hands an eval action: the options above, --limit still a string. */
type EvalCommandOptions = Omit<EvalCliOptions, 'limit'> & { limit?: string };

/** The one action of every eval subcommand: --limit checked here; the evaluation code loads only when it runs. */
function evalAction(kind: EvalKind) {
  return async (opts: EvalCommandOptions, c: Command) => {
    const limit = opts.limit === undefined ? undefined : positiveIntOption(opts.limit, '--limit');
    const { runEval } = await import('../tools/eval/run.ts');
    process.exitCode = await runEval(kind, { ...opts, limit }, c.optsWithGlobals<{ config?: string }>().config);
  };
}
