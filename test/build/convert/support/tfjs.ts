import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { convertTfjs, type ConvertOptions } from '../../../../src/build/convert/convert.ts';
import { parseTfjsArtifacts, type TfAttr, type TfjsModelJson, type TfNode, type TfWeightSpec } from '../../../../src/build/convert/tfjs-reader.ts';

/**
 * The reference side of the converter tests: @tensorflow/tfjs (pure JS, CPU backend) running the
 * same TFJS graph the converter reads, loaded through an in-memory IO handler (tfjs' fetch cannot
 * read file://). Plus a tiny builder for one-op TFJS graphs and a seeded random source.
 */

await tf.setBackend('cpu');

export { tf };

export async function loadTfjs(json: TfjsModelJson, weightData: Uint8Array): Promise<tf.GraphModel> {
  const buffer = weightData.buffer.slice(weightData.byteOffset, weightData.byteOffset + weightData.byteLength) as ArrayBuffer;
  return tf.loadGraphModel({
    load: async (): Promise<tf.io.ModelArtifacts> => ({
      modelTopology: json.modelTopology as unknown as tf.io.ModelArtifacts['modelTopology'],
      weightSpecs: json.weightsManifest.flatMap((g) => g.weights) as tf.io.WeightsManifestEntry[],
      weightData: buffer,
      format: json.format,
      generatedBy: json.generatedBy,
      convertedBy: json.convertedBy,
      signature: json.signature as object | undefined,
      userDefinedMetadata: json.userDefinedMetadata as Record<string, object> | undefined,
    }),
  });
}

/** Runs the tfjs model on one input and returns the named outputs as flat arrays with shapes. */
export function runTfjs(model: tf.GraphModel, inputName: string, data: Float32Array, shape: number[], outputs: string[]): Array<{ data: Float32Array; shape: number[] }> {
  return tf.tidy(() => {
    const res = model.execute({ [inputName]: tf.tensor(data, shape) }, outputs);
    const list = Array.isArray(res) ? res : [res];
    return list.map((t) => ({ data: t.dataSync() as Float32Array, shape: t.shape }));
  });
}

export async function runOnnx(bytes: Uint8Array, feeds: Record<string, { data: Float32Array; shape: number[] }>): Promise<Record<string, { data: Float32Array; shape: number[] }>> {
  const session = await ort.InferenceSession.create(bytes, { logSeverityLevel: 3 });
  try {
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const [k, v] of Object.entries(feeds)) ortFeeds[k] = new ort.Tensor('float32', v.data, v.shape);
    const out = await session.run(ortFeeds);
    return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, { data: t.data as Float32Array, shape: [...t.dims] }]));
  } finally {
    await session.release();
  }
}

/** Deterministic uniform values in [lo, hi) (an LCG: reproducible across runs and machines). */
export function seeded(seed: number): (n: number, lo?: number, hi?: number) => Float32Array {
  let s = seed >>> 0;
  return (n, lo = -1, hi = 1) => {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      out[i] = lo + (s / 2 ** 32) * (hi - lo);
    }
    return out;
  };
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

// ---- one-op graphs ----------------------------------------------------------------------------

export const attr = {
  ints: (v: number[]): TfAttr => ({ list: { i: v.map(String) } }),
  int: (v: number): TfAttr => ({ i: String(v) }),
  str: (v: string): TfAttr => ({ s: Buffer.from(v).toString('base64') }),
  strs: (v: string[]): TfAttr => ({ list: { s: v.map((x) => Buffer.from(x).toString('base64')) } }),
  bool: (v: boolean): TfAttr => ({ b: v }),
  float: (v: number): TfAttr => ({ f: v }),
  float32: { type: 'DT_FLOAT' } as TfAttr,
};

export interface SynthConst {
  name: string;
  shape: number[];
  data: Float32Array | Int32Array;
}

export interface SynthGraph {
  input: { name: string; shape: number[] };
  consts?: SynthConst[];
  nodes: Array<{ name: string; op: string; input: string[]; attr?: Record<string, TfAttr> }>;
  /** Names of the nodes to compare. */
  outputs: string[];
}

export function synthModel(g: SynthGraph): { json: TfjsModelJson; weightData: Uint8Array } {
  const consts = g.consts ?? [];
  const nodes: TfNode[] = [
    { name: g.input.name, op: 'Placeholder', attr: { dtype: attr.float32, shape: { shape: { dim: g.input.shape.map((d) => ({ size: String(d) })) } } } },
    ...consts.map((c) => ({ name: c.name, op: 'Const', attr: { dtype: { type: c.data instanceof Int32Array ? 'DT_INT32' : 'DT_FLOAT' }, value: { tensor: {} } } as Record<string, TfAttr> })),
    ...g.nodes.map((n) => ({ ...n, attr: { T: attr.float32, ...(n.attr ?? {}) } })),
  ];
  const specs: TfWeightSpec[] = consts.map((c) => ({ name: c.name, shape: c.shape, dtype: c.data instanceof Int32Array ? 'int32' : 'float32' }));
  const total = consts.reduce((n, c) => n + c.data.byteLength, 0);
  const weightData = new Uint8Array(total);
  let off = 0;
  for (const c of consts) {
    weightData.set(new Uint8Array(c.data.buffer, c.data.byteOffset, c.data.byteLength), off);
    off += c.data.byteLength;
  }
  const json: TfjsModelJson = {
    format: 'graph-model',
    generatedBy: 'glance-test',
    convertedBy: 'glance-test',
    modelTopology: { node: nodes, library: {}, versions: { producer: 1 } },
    weightsManifest: [{ paths: ['synthetic.bin'], weights: specs }],
  };
  return { json, weightData };
}

/** Runs a one-op graph in tfjs and through the converter + onnxruntime; returns both results. */
export async function compareOp(
  g: SynthGraph,
  inputData: Float32Array,
  opts: ConvertOptions & { onnxInputShape?: number[] } = {},
): Promise<Array<{ name: string; ref: { data: Float32Array; shape: number[] }; got: { data: Float32Array; shape: number[] } }>> {
  const { json, weightData } = synthModel(g);
  const model = await loadTfjs(json, weightData);
  const ref = runTfjs(
    model,
    g.input.name,
    inputData,
    g.input.shape.map((d) => (d < 0 ? 1 : d)),
    g.outputs,
  );
  model.dispose();
  const converted = convertTfjs(parseTfjsArtifacts(json, weightData, 'synthetic'), { outputs: g.outputs, ...opts });
  const shape = opts.onnxInputShape ?? g.input.shape.map((d) => (d < 0 ? 1 : d));
  const got = await runOnnx(converted.bytes, { [g.input.name]: { data: inputData, shape } });
  return g.outputs.map((name, i) => ({ name, ref: ref[i], got: got[name] }));
}

/** Converts a one-op graph and runs only the ONNX side (for inputs tfjs's graph would reject). */
export async function runConverted(g: SynthGraph, inputData: Float32Array, shape: number[]): Promise<Record<string, { data: Float32Array; shape: number[] }>> {
  const { json, weightData } = synthModel(g);
  const converted = convertTfjs(parseTfjsArtifacts(json, weightData, 'synthetic'), { outputs: g.outputs });
  return runOnnx(converted.bytes, { [g.input.name]: { data: inputData, shape } });
}
