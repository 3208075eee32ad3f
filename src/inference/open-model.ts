import type { Logger } from 'pino';
import type { InferenceConfig } from './config.ts';
import type { ModelDescriptor } from './descriptor.ts';
import type { ModelRunner } from './model-runner.ts';
import { openOrtRunner } from './ort-runner.ts';

/**
 * Opens a described model with the configured execution providers and threads. A missing or
 * corrupt file is a ResourceError naming the file (the daemon exits 3).
 */
export async function openModel(desc: ModelDescriptor, config: InferenceConfig, log?: Logger): Promise<ModelRunner> {
  return openOrtRunner(desc.name, desc.file, {
    providers: config.providers,
    intraOpThreads: config.intraOpThreads,
    interOpThreads: config.interOpThreads,
    graphOptimizationLevel: config.graphOptimizationLevel,
  }, log);
}
