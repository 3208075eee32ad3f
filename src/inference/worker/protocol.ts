import type { PrivacyConfig } from '../../config/privacy.ts';
import type { AnalyzeResult, LoadedModelInfo } from '../analyzer.ts';
import type { InferenceConfig } from '../../config/inference.ts';

/**
 * Messages between the inference stage (main thread) and its analyzer worker. Frames never travel
 * in messages: the main thread copies each into a SharedArrayBuffer slot the worker reads in place.
 */
export interface WorkerInit {
  config: InferenceConfig;
  privacy: PrivacyConfig;
  logLevel: string;
}

export type ToWorker = { type: 'slot'; buffer: SharedArrayBuffer } | { type: 'analyze'; id: number; width: number; height: number } | { type: 'warmUp'; id: number } | { type: 'close'; id: number };

/** Errors cross the thread boundary as data; `resource` marks a ResourceError (exit code 3). */
export interface WorkerError {
  name: string;
  message: string;
  resource: boolean;
}

export type FromWorker =
  | { type: 'ready'; models: LoadedModelInfo[] }
  | { type: 'failed'; error: WorkerError }
  | { type: 'done'; id: number; result?: AnalyzeResult }
  | { type: 'error'; id: number; error: WorkerError }
  | { type: 'log'; level: number; record: Record<string, unknown> };
