import type { Command } from 'commander';
import type { PrivacyConfig } from '../config/privacy.ts';
import { loadConfig } from '../config/load.ts';
import type { InferenceConfig } from '../config/inference.ts';
import { ConfigError } from '../core/errors.ts';

/**
 * Command-line model choices shared by `analyze` and `eval`, so the README can compare the default
 * model set with drop-ins side by side: each takes a model name in modelsDir or a manifest path.
 */
export interface ModelOptions {
  modelsDir?: string;
  detector?: string;
  landmarks?: string;
  emotionModel?: string[];
  ageGenderModel?: string;
  threshold?: string;
  tta?: string;
}

export function addModelOptions(cmd: Command): Command {
  return cmd
    .option('--models-dir <dir>', 'folder with model manifests and .onnx files (default: inference.modelsDir)')
    .option('--detector <ref>', 'face detector: model name or manifest path (e.g. a YuNet or UltraFace manifest)')
    .option('--landmarks <ref>', 'landmark model name or manifest path; "none" to use detector keypoints only')
    .option('--emotion-model <ref...>', 'emotion model(s): name or manifest path; several form an averaged ensemble')
    .option('--age-gender-model <ref>', 'age/gender model: name or manifest path')
    .option('--threshold <p>', 'detector score threshold (default: inference.detectionThreshold)')
    .option('--tta <mode>', 'emotion test-time augmentation: none, flip, flip-rotate (default: inference.emotionTta)');
}

/**
 * The effective inference and privacy config: the config file (-c), then command-line overrides;
 * with capture.ffmpegPath, so video inputs decode through the ffmpeg the daemon would use.
 */
export function inferenceFromCli(opts: ModelOptions, configPath: string | undefined): { inference: InferenceConfig; privacy: PrivacyConfig; ffmpegPath?: string } {
  const { config } = loadConfig(configPath);
  const inference: InferenceConfig = { ...config.inference };
  if (opts.modelsDir) inference.modelsDir = opts.modelsDir;
  if (opts.detector) inference.detector = opts.detector;
  if (opts.landmarks) inference.landmarks = opts.landmarks;
  if (opts.emotionModel?.length) inference.emotion = opts.emotionModel;
  if (opts.ageGenderModel) inference.ageGender = opts.ageGenderModel;
  if (opts.threshold !== undefined) {
    const t = Number(opts.threshold);
    if (!(t >= 0 && t <= 1)) throw new ConfigError(`--threshold must be a number from 0 to 1, got "${opts.threshold}"`);
    inference.detectionThreshold = t;
  }
  if (opts.tta !== undefined) {
    if (opts.tta !== 'none' && opts.tta !== 'flip' && opts.tta !== 'flip-rotate') throw new ConfigError(`--tta must be none, flip or flip-rotate, got "${opts.tta}"`);
    inference.emotionTta = opts.tta;
  }
  return { inference, privacy: { ...config.privacy }, ffmpegPath: config.capture.ffmpegPath };
}
