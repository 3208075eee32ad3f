/** The model runtime's public surface: load onnxruntime, open sessions, run models. */
export { loadOnnxRuntime, type Ort, type RuntimeLocation } from './onnxruntime.ts';
export { DEFAULT_PROVIDERS, precheckProvider, type Provider } from './providers.ts';
export { createSession, type CreatedSession, type SessionOptions, type SkippedProvider, type SessionLog } from './session.ts';
export { warmUp, inputDims } from './warmup.ts';
export { openModel, resolveManifestFile, type OpenedModel, type RuntimeConfig } from './runner.ts';
export { readModelFile, checkAgainstManifest, checkOutputsAgainstLabels } from './validate.ts';
