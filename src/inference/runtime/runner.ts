import { existsSync } from 'node:fs';
import { extname, isAbsolute, resolve } from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';
import { loadManifest, modelFileOf, type Manifest } from './manifest.ts';
import type { ModelRunner, TensorData } from './model-runner.ts';
import type { Ort } from './onnxruntime.ts';
import type { Provider } from './providers.ts';
import { createSession, type SessionLog, type SessionOptions, type SkippedProvider } from './session.ts';
import { warmUp } from './warmup.ts';
import { ResourceError } from '../../core/errors.ts';

/**
 * The one call the pipeline needs: manifest reference in, validated, warmed-up ModelRunner out.
 * Every failure on the way (bad manifest, missing or corrupt .onnx, mismatch) is a ResourceError.
 */
export interface RuntimeConfig extends Omit<SessionOptions, 'manifestFile'> {
  modelsDir: string;
}

export interface OpenedModel extends ModelRunner {
  readonly manifest: Manifest;
  readonly manifestFile: string;
  readonly modelFile: string;
  readonly skipped: readonly SkippedProvider[];
  /** Output shapes seen in the warm-up run (batch 1). */
  readonly warmUpShapes: Readonly<Record<string, number[]>>;
}

/** A model name in modelsDir (`<name>.json`) or a path to a manifest. */
export function resolveManifestFile(ref: string, modelsDir: string): string {
  if (extname(ref).toLowerCase() === '.json') return isAbsolute(ref) ? ref : resolve(ref);
  const file = resolve(modelsDir, `${ref}.json`);
  if (!existsSync(file)) throw new ResourceError(`model ${ref}: no manifest ${file} (built-in models come from \`glance models build\`)`);
  return file;
}

export async function openModel(ref: string, config: RuntimeConfig, log?: SessionLog): Promise<OpenedModel> {
  const manifestFile = resolveManifestFile(ref, config.modelsDir);
  const manifest = loadManifest(manifestFile);
  const modelFile = modelFileOf(manifest, manifestFile);
  const created = await createSession(modelFile, manifest, { ...config, manifestFile }, log);
  try {
    const shapes = await warmUp(created.runtime.ort, created.session, manifest, { model: modelFile, manifest: manifestFile });
    return new OrtModel(manifest, manifestFile, modelFile, created.provider, created.skipped, created.session, created.runtime.ort, shapes);
  } catch (err) {
    await created.session.release().catch(() => undefined);
    if (err instanceof ResourceError) throw err;
    throw new ResourceError(`model ${modelFile}: warm-up inference failed: ${(err as Error).message}`, { cause: err });
  }
}

class OrtModel implements OpenedModel {
  readonly name: string;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputShapes: Readonly<Record<string, ReadonlyArray<number | string>>>;

  constructor(
    readonly manifest: Manifest,
    readonly manifestFile: string,
    readonly modelFile: string,
    readonly provider: Provider,
    readonly skipped: readonly SkippedProvider[],
    private readonly session: InferenceSession,
    private readonly ort: Ort,
    readonly warmUpShapes: Readonly<Record<string, number[]>>,
  ) {
    this.name = manifest.name;
    this.inputNames = session.inputNames;
    this.outputNames = session.outputNames;
    const shapes: Record<string, ReadonlyArray<number | string>> = {};
    for (const m of session.inputMetadata) if (m.isTensor) shapes[m.name] = m.shape;
    this.inputShapes = shapes;
  }

  async run(feeds: Record<string, TensorData>): Promise<Record<string, TensorData>> {
    const ortFeeds: Record<string, InstanceType<Ort['Tensor']>> = {};
    for (const [k, t] of Object.entries(feeds)) ortFeeds[k] = new this.ort.Tensor('float32', t.data, t.dims as number[]);
    const out = await this.session.run(ortFeeds);
    const res: Record<string, TensorData> = {};
    for (const [k, t] of Object.entries(out)) res[k] = { data: t.data as Float32Array, dims: t.dims };
    return res;
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
