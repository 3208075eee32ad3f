import type { InferenceSession } from 'onnxruntime-node';
import type { ModelSource } from './manifest.ts';
import type { ModelRunner, TensorData } from './model-runner.ts';
import type { Ort } from './onnxruntime.ts';
import type { Provider } from './providers.ts';
import type { CreatedSession, SkippedProvider } from './session.ts';

/**
 * An open model: the one ModelRunner over an onnxruntime session (float32 tensors in and out) that
 * the decoders use, plus what tools report about it (the manifest, the provider it ended up on and
 * why others were skipped, the warm-up output shapes). Typed by its source, so a model opened from a
 * manifest has a manifest and a bare drop-in has none.
 */
export class OpenedModel<S extends ModelSource = ModelSource> implements ModelRunner {
  readonly name: string;
  readonly manifest: S['manifest'];
  readonly manifestFile: S['manifestFile'];
  readonly modelFile: string;
  readonly provider: Provider;
  readonly skipped: readonly SkippedProvider[];
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputShapes: Readonly<Record<string, ReadonlyArray<number | string>>>;
  private readonly session: InferenceSession;
  private readonly ort: Ort;

  constructor(
    readonly source: S,
    created: CreatedSession,
    /** Output shapes seen in the warm-up run (batch 1); empty for a bare drop-in, which is not warmed up. */
    readonly warmUpShapes: Readonly<Record<string, number[]>>,
  ) {
    this.name = source.name;
    this.manifest = source.manifest;
    this.manifestFile = source.manifestFile;
    this.modelFile = source.file;
    this.provider = created.provider;
    this.skipped = created.skipped;
    this.session = created.session;
    this.ort = created.runtime.ort;
    this.inputNames = this.session.inputNames;
    this.outputNames = this.session.outputNames;
    const shapes: Record<string, ReadonlyArray<number | string>> = {};
    for (const m of this.session.inputMetadata) if (m.isTensor) shapes[m.name] = m.shape;
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
