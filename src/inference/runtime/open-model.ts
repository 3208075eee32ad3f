import type { Logger } from 'pino';
import { runtimeSettings, type InferenceConfig } from '../../config/inference.ts';
import type { ModelDescriptor } from './descriptor.ts';
import type { ModelRunner } from './model-runner.ts';
import { openOrtRunner } from './ort-runner.ts';
import { openModel as openWithManifest } from './index.ts';

/**
 * Opens a described model with the configured execution providers and threads. Models with a
 * manifest go through the runtime (manifest validation, provider fallback, warm-up); a bare
 * `family:model.onnx` reference (a quick comparison of a drop-in without writing a manifest) is
 * opened directly on the CPU. Any failure is a ResourceError naming the file (the daemon exits 3).
 */
export async function openModel(desc: ModelDescriptor, config: InferenceConfig, log?: Logger): Promise<ModelRunner> {
  if (desc.manifestFile) {
    return openWithManifest(desc.manifestFile, { modelsDir: config.modelsDir, ...runtimeSettings(config) }, log);
  }
  return openOrtRunner(desc.name, desc.file, { ...runtimeSettings(config), providers: ['cpu'] }, log);
}
