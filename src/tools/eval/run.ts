import { pino } from 'pino';
import { createAnalyzer, type Analyzer } from '../../inference/analyzer.ts';
import { emotionModels } from '../../config/inference.ts';
import { inferenceFromCli, type ModelOptions } from '../inference-overrides.ts';
import { evalAgeGender } from './age-gender.ts';
import { evalDetect } from './detect.ts';
import { evalEmotion } from './emotion.ts';
import { ConfigError, EXIT, exitCodeOf } from '../../core/errors.ts';

export type EvalKind = 'emotion' | 'age-gender' | 'detect';

export interface EvalCliOptions extends ModelOptions {
  data: string;
  out: string;
  cropped?: boolean;
  /** Already checked to be a positive integer by the command (src/cli/eval.ts). */
  limit?: number;
  labels?: string;
  boxes?: string;
  negatives?: string[];
  iou?: string;
  minSize?: string;
}

/** Exit codes: 0 done, 1 failed mid-way, 2 bad arguments or data layout, 3 a model is missing. */
export async function runEval(kind: EvalKind, opts: EvalCliOptions, configPath: string | undefined, print: (s: string) => void = (s) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`)): Promise<number> {
  let analyzer: Analyzer | undefined;
  try {
    const { inference, privacy } = inferenceFromCli(opts, configPath);
    // Measuring the models, not the deployment: no ignore regions, every face gets attributes.
    const evalPrivacy = { ...privacy, emotion: kind === 'emotion' ? true : privacy.emotion, ignoreRegions: [], minFaceSize: 0 };
    const { limit } = opts;
    const models = describeModels(kind, inference, opts.cropped === true);
    // Gender is scored on the model's top label (as the field reports it); the share the daemon would
    // call 'uncertain' at the configured threshold is reported next to it.
    const evalInference = kind === 'age-gender' ? { ...inference, genderThreshold: 0 } : inference;
    analyzer = await createAnalyzer(evalInference, evalPrivacy, pino({ level: 'error' }, pino.destination(2)), { detectOnly: kind === 'detect' });
    if (kind === 'emotion') {
      await evalEmotion(analyzer, { data: opts.data, cropped: opts.cropped === true, out: opts.out, limit, models }, print);
    } else if (kind === 'age-gender') {
      const { loadConfig } = await import('../../config/load.ts');
      const bands = loadConfig(configPath).config.audience.ageBands;
      await evalAgeGender(analyzer, { data: opts.data, labels: opts.labels!, out: opts.out, bands, limit, models, genderThreshold: inference.genderThreshold }, print);
    } else {
      const minIou = Number(opts.iou ?? 0.4);
      const minSize = Number(opts.minSize ?? 20);
      if (!(minIou > 0 && minIou <= 1)) throw new ConfigError(`--iou must be in (0, 1], got "${opts.iou}"`);
      if (!(minSize >= 0)) throw new ConfigError(`--min-size must be a number of pixels, got "${opts.minSize}"`);
      await evalDetect(analyzer, { data: opts.data, boxes: opts.boxes!, out: opts.out, negatives: opts.negatives ?? [], minIou, minSize, models }, print);
    }
    return 0;
  } catch (err) {
    process.stderr.write(`glance: ${(err as Error).message}\n`);
    return exitCodeOf(err) ?? EXIT.failure;
  } finally {
    await analyzer?.close();
  }
}

function describeModels(kind: EvalKind, c: { detector: string; landmarks: string; emotion: string | string[]; ageGender: string; emotionTta: string }, cropped: boolean): string {
  const emotion = `${emotionModels(c).join(' + ')}${c.emotionTta !== 'none' ? ` (${c.emotionTta} TTA)` : ''}`;
  if (kind === 'emotion' && cropped) return emotion;
  const base = `${c.detector} + ${c.landmarks}`;
  if (kind === 'detect') return base;
  return kind === 'emotion' ? `${base} + ${emotion}` : `${base} + ${c.ageGender}`;
}
