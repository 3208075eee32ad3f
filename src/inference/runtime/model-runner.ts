import type { ModelDescriptor } from './descriptor.ts';

/**
 * The analyzer's view of one loaded model: named float tensors in, named float tensors out.
 * Everything model-specific (pre-processing, decoding) works on this interface, so the same decoders
 * serve the daemon, the CLI, evaluation and tests, whatever runtime opened the session.
 */
export interface TensorData {
  data: Float32Array;
  dims: readonly number[];
}

export interface ModelRunner {
  /** Manifest name (or file stem for a bare .onnx). */
  readonly name: string;
  /** Execution provider the session ended up on ('cpu', 'cuda', …). */
  readonly provider: string;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Declared input shape per input name; strings or -1 for dynamic dimensions. */
  readonly inputShapes: Readonly<Record<string, ReadonlyArray<number | string>>>;
  run(feeds: Record<string, TensorData>): Promise<Record<string, TensorData>>;
  close(): Promise<void>;
}

/** The input a described model is fed through: its manifest names it; a bare drop-in is fed its first input. */
export function inputNameOf(desc: Pick<ModelDescriptor, 'input'>, runner: Pick<ModelRunner, 'inputNames'>): string {
  return desc.input.name ?? runner.inputNames[0];
}
