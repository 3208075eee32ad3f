import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { float16ToFloat32 } from './float16.ts';

/**
 * Reads a TensorFlow.js graph model: model.json (topology + weights manifest) and its binary
 * weight shards. Quantised weights are dequantised the way tfjs-core's io.decodeWeights does:
 * uint8/uint16 as q * scale + min (rounded for int32 tensors), float16 exactly.
 */

/** One attribute of a TF NodeDef as tfjs-converter writes it to JSON. */
export interface TfAttr {
  s?: string;
  i?: string | number;
  f?: number;
  b?: boolean;
  type?: string;
  shape?: { dim?: Array<{ size?: string | number }>; unknownRank?: boolean };
  list?: { s?: string[]; i?: Array<string | number>; f?: number[]; b?: boolean[]; type?: string[]; shape?: unknown[] };
  tensor?: unknown;
}

export interface TfNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, TfAttr>;
  device?: string;
}

export interface TfWeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: 'uint8' | 'uint16' | 'float16'; scale?: number; min?: number; original_dtype?: string };
}

export interface TfSignatureTensor {
  name: string;
  dtype?: string;
  tensorShape?: { dim?: Array<{ size?: string | number }> };
}

export interface TfjsModelJson {
  format?: string;
  generatedBy?: string;
  convertedBy?: string;
  modelTopology: { node: TfNode[]; library?: unknown; versions?: unknown };
  weightsManifest: Array<{ paths: string[]; weights: TfWeightSpec[] }>;
  signature?: { inputs?: Record<string, TfSignatureTensor>; outputs?: Record<string, TfSignatureTensor> };
  userDefinedMetadata?: { signature?: TfjsModelJson['signature'] } & Record<string, unknown>;
}

export interface TfWeight {
  name: string;
  dtype: 'float32' | 'int32' | 'bool';
  shape: number[];
  data: Float32Array | Int32Array;
  /** How it was stored, for reports: 'float32', 'float16', 'uint8', … */
  storedAs: string;
}

export interface TfjsModel {
  /** Name used in error messages (the model.json file name without extension). */
  name: string;
  json: TfjsModelJson;
  nodes: TfNode[];
  weights: Map<string, TfWeight>;
}

export class TfjsFormatError extends Error {
  override name = 'TfjsFormatError';
}

/** Reads model.json and the shards it lists (resolved next to it). */
export async function readTfjsModel(modelJsonPath: string): Promise<TfjsModel & { files: string[] }> {
  const text = await readFile(modelJsonPath, 'utf8');
  let json: TfjsModelJson;
  try {
    json = JSON.parse(text) as TfjsModelJson;
  } catch (err) {
    throw new TfjsFormatError(`${modelJsonPath}: not valid JSON: ${(err as Error).message}`);
  }
  const dir = dirname(modelJsonPath);
  const files = [modelJsonPath];
  const parts: Uint8Array[] = [];
  for (const group of json.weightsManifest ?? []) {
    for (const p of group.paths) {
      const file = resolve(dir, p);
      files.push(file);
      parts.push(await readFile(file));
    }
  }
  const weightData = concat(parts);
  const name = basename(modelJsonPath).replace(/\.json$/i, '');
  return { ...parseTfjsArtifacts(json, weightData, name), files };
}

/** Builds the model from in-memory artifacts (model.json object + concatenated shard bytes). */
export function parseTfjsArtifacts(json: TfjsModelJson, weightData: Uint8Array, name: string): TfjsModel {
  if (!json.modelTopology || !Array.isArray(json.modelTopology.node)) {
    throw new TfjsFormatError(`model ${name}: model.json has no modelTopology.node list (is it a TFJS graph model? layers models are not supported)`);
  }
  const weights = new Map<string, TfWeight>();
  let offset = 0;
  for (const group of json.weightsManifest ?? []) {
    for (const spec of group.weights) {
      const { weight, bytes } = decodeWeight(spec, weightData, offset, name);
      weights.set(spec.name, weight);
      offset += bytes;
    }
  }
  if (offset !== weightData.length) {
    throw new TfjsFormatError(`model ${name}: weights manifest describes ${offset} bytes but the shards hold ${weightData.length}`);
  }
  return { name, json, nodes: json.modelTopology.node, weights };
}

function decodeWeight(spec: TfWeightSpec, buf: Uint8Array, offset: number, model: string): { weight: TfWeight; bytes: number } {
  const size = spec.shape.reduce((a, b) => a * b, 1);
  const dtype = spec.dtype;
  if (dtype !== 'float32' && dtype !== 'int32' && dtype !== 'bool') {
    throw new TfjsFormatError(`model ${model}: weight ${spec.name} has unsupported dtype ${dtype}`);
  }
  const q = spec.quantization;
  const elemBytes = q ? (q.dtype === 'uint8' ? 1 : 2) : dtype === 'bool' ? 1 : 4;
  const bytes = size * elemBytes;
  if (offset + bytes > buf.length) {
    throw new TfjsFormatError(`model ${model}: weight ${spec.name} needs bytes ${offset}..${offset + bytes} but the shards end at ${buf.length}`);
  }
  // Copy into an aligned buffer: shards are byte streams and typed views need alignment. Called
  // through Uint8Array's slice because a Buffer's slice() is a view into a shared pool, not a copy.
  const slice = Uint8Array.prototype.slice.call(buf, offset, offset + bytes);
  let data: Float32Array | Int32Array;
  let storedAs: string = dtype;
  if (q) {
    storedAs = q.dtype;
    if (q.dtype === 'float16') {
      const f = float16ToFloat32(new Uint16Array(slice.buffer, 0, size));
      data = dtype === 'int32' ? Int32Array.from(f) : f;
    } else {
      const ints = q.dtype === 'uint8' ? slice : new Uint16Array(slice.buffer, 0, size);
      const scale = q.scale ?? 1;
      const min = q.min ?? 0;
      data = dtype === 'int32' ? Int32Array.from(ints, (v) => Math.round(v * scale + min)) : Float32Array.from(ints, (v) => v * scale + min);
    }
  } else if (dtype === 'float32') {
    data = new Float32Array(slice.buffer, 0, size);
  } else if (dtype === 'int32') {
    data = new Int32Array(slice.buffer, 0, size);
  } else {
    data = Int32Array.from(slice);
  }
  return { weight: { name: spec.name, dtype, shape: spec.shape.slice(), data, storedAs }, bytes };
}

function concat(parts: Uint8Array[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** The model's signature, wherever the converter put it (top level, or userDefinedMetadata for older exports). */
export function signatureOf(json: TfjsModelJson): TfjsModelJson['signature'] | undefined {
  return json.signature ?? json.userDefinedMetadata?.signature;
}
