import { readFile, stat } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import type { Logger } from 'pino';
import type { ModelRunner, TensorData } from './model-runner.ts';
import { ResourceError } from '../../core/errors.ts';

export interface OrtOptions {
  providers: readonly string[];
  intraOpThreads?: number;
  interOpThreads?: number;
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  memoryArena?: boolean;
}

/**
 * Opens an ONNX file as a ModelRunner, trying execution providers one by one (onnxruntime-node
 * throws instead of falling back). A missing, empty or corrupt file is a ResourceError naming it.
 */
export async function openOrtRunner(name: string, file: string, opts: OrtOptions, log?: Logger): Promise<ModelRunner> {
  let bytes: Uint8Array;
  try {
    const st = await stat(file);
    if (!st.isFile()) throw new Error('not a file');
    if (st.size === 0) throw new Error('file is empty');
    bytes = await readFile(file);
  } catch (err) {
    throw new ResourceError(`model ${name}: cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  // GPU providers need libraries the default install does not ship; only the runtime module probes
  // them (once, with the reason logged). This plain opener stays on the CPU.
  const providers = opts.providers.filter((p) => p === 'cpu');
  if (providers.length === 0) providers.push('cpu');
  let lastErr: unknown;
  for (const provider of providers) {
    try {
      const options: ort.InferenceSession.SessionOptions = {
        executionProviders: [provider],
        graphOptimizationLevel: opts.graphOptimizationLevel ?? 'all',
        logSeverityLevel: 3,
      };
      if (!opts.memoryArena) {
        options.enableCpuMemArena = false;
        options.enableMemPattern = false;
      }
      if (opts.intraOpThreads) options.intraOpNumThreads = opts.intraOpThreads;
      if (opts.interOpThreads) options.interOpNumThreads = opts.interOpThreads;
      const session = await ort.InferenceSession.create(bytes, options);
      return new OrtRunner(name, provider, session);
    } catch (err) {
      lastErr = err;
      if (provider !== 'cpu') log?.info({ model: name, provider, reason: (err as Error).message }, 'execution provider unavailable: skipped');
    }
  }
  throw new ResourceError(`model ${name}: ${file} is not a loadable ONNX model: ${(lastErr as Error)?.message ?? 'no provider'}`, { cause: lastErr });
}

class OrtRunner implements ModelRunner {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputShapes: Record<string, ReadonlyArray<number | string>>;

  constructor(
    readonly name: string,
    readonly provider: string,
    private readonly session: ort.InferenceSession,
  ) {
    this.inputNames = session.inputNames;
    this.outputNames = session.outputNames;
    this.inputShapes = {};
    for (const meta of session.inputMetadata) {
      if (meta.isTensor) this.inputShapes[meta.name] = meta.shape;
    }
  }

  async run(feeds: Record<string, TensorData>): Promise<Record<string, TensorData>> {
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const [key, t] of Object.entries(feeds)) ortFeeds[key] = new ort.Tensor('float32', t.data, t.dims as number[]);
    const out = await this.session.run(ortFeeds);
    const res: Record<string, TensorData> = {};
    for (const [key, t] of Object.entries(out)) res[key] = { data: t.data as Float32Array, dims: t.dims };
    return res;
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
