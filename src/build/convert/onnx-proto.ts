import { ProtoWriter } from './protobuf.ts';

/**
 * The slice of onnx.proto (onnx/onnx, proto3) the converter writes, as plain objects plus their
 * encoders. Field numbers are those of onnx.proto; only the fields Glance needs are present.
 */

/** TensorProto.DataType values. */
export const DataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, BOOL: 9, FLOAT16: 10 } as const;
export type DataTypeId = (typeof DataType)[keyof typeof DataType];

export interface OnnxTensor {
  name: string;
  dataType: DataTypeId;
  dims: readonly number[];
  /** Little-endian raw bytes (raw_data). */
  raw: Uint8Array;
}

/** A dimension is a fixed size or a symbolic name (e.g. 'batch'). */
export type Dim = number | string;

export interface OnnxValueInfo {
  name: string;
  elemType: DataTypeId;
  shape: readonly Dim[] | null;
}

export type AttrValue =
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'ints'; value: readonly number[] }
  | { kind: 'floats'; value: readonly number[] }
  | { kind: 'tensor'; value: OnnxTensor };

export interface OnnxNode {
  opType: string;
  name: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes?: Record<string, AttrValue>;
  domain?: string;
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  valueInfo?: OnnxValueInfo[];
  docString?: string;
}

export interface OnnxModel {
  irVersion: number;
  opsetVersion: number;
  producerName: string;
  producerVersion: string;
  docString?: string;
  graph: OnnxGraph;
  metadata?: Record<string, string>;
}

/** AttributeProto.AttributeType values. */
const AttrType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 } as const;

export function encodeTensor(t: OnnxTensor): ProtoWriter {
  const w = new ProtoWriter();
  if (t.dims.length > 0) w.packedInts(1, t.dims); // dims
  w.int(2, t.dataType); // data_type
  w.string(8, t.name); // name
  w.bytes(9, t.raw); // raw_data
  return w;
}

function encodeAttribute(name: string, a: AttrValue): ProtoWriter {
  const w = new ProtoWriter().string(1, name); // name
  switch (a.kind) {
    case 'float':
      w.float(2, a.value).int(20, AttrType.FLOAT);
      break;
    case 'int':
      w.int(3, a.value).int(20, AttrType.INT);
      break;
    case 'string':
      w.string(4, a.value).int(20, AttrType.STRING);
      break;
    case 'tensor':
      w.message(5, encodeTensor(a.value)).int(20, AttrType.TENSOR);
      break;
    case 'floats':
      w.packedFloats(7, a.value).int(20, AttrType.FLOATS);
      break;
    case 'ints':
      w.packedInts(8, a.value).int(20, AttrType.INTS);
      break;
  }
  return w;
}

function encodeNode(n: OnnxNode): ProtoWriter {
  const w = new ProtoWriter();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name).string(4, n.opType);
  for (const [k, v] of Object.entries(n.attributes ?? {})) w.message(5, encodeAttribute(k, v));
  if (n.domain) w.string(7, n.domain);
  return w;
}

function encodeValueInfo(v: OnnxValueInfo): ProtoWriter {
  const tensorType = new ProtoWriter().int(1, v.elemType); // TypeProto.Tensor.elem_type
  if (v.shape) {
    const shape = new ProtoWriter();
    for (const d of v.shape) {
      // TensorShapeProto.Dimension: dim_value = 1, dim_param = 2
      const dim = typeof d === 'number' && d >= 0 ? new ProtoWriter().int(1, d) : new ProtoWriter().string(2, typeof d === 'string' ? d : 'unk');
      shape.message(1, dim);
    }
    tensorType.message(2, shape);
  }
  const type = new ProtoWriter().message(1, tensorType); // TypeProto.tensor_type
  return new ProtoWriter().string(1, v.name).message(2, type);
}

function encodeGraph(g: OnnxGraph): ProtoWriter {
  const w = new ProtoWriter();
  for (const n of g.nodes) w.message(1, encodeNode(n));
  w.string(2, g.name);
  for (const t of g.initializers) w.message(5, encodeTensor(t));
  if (g.docString) w.string(10, g.docString);
  for (const v of g.inputs) w.message(11, encodeValueInfo(v));
  for (const v of g.outputs) w.message(12, encodeValueInfo(v));
  for (const v of g.valueInfo ?? []) w.message(13, encodeValueInfo(v));
  return w;
}

/** Serialises a ModelProto. */
export function encodeModel(m: OnnxModel): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, m.irVersion); // ir_version
  w.string(2, m.producerName).string(3, m.producerVersion);
  if (m.docString) w.string(6, m.docString);
  w.message(7, encodeGraph(m.graph));
  // opset_import: default domain ('' = ai.onnx)
  w.message(8, new ProtoWriter().string(1, '').int(2, m.opsetVersion));
  for (const [key, value] of Object.entries(m.metadata ?? {})) {
    w.message(14, new ProtoWriter().string(1, key).string(2, value));
  }
  return w.finish();
}

/** Raw little-endian bytes of typed data (all supported platforms are little-endian). */
export function rawBytes(data: Float32Array | Int32Array | BigInt64Array | Uint8Array): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

export function floatTensor(name: string, dims: readonly number[], data: Float32Array): OnnxTensor {
  return { name, dataType: DataType.FLOAT, dims, raw: rawBytes(data) };
}

export function int64Tensor(name: string, dims: readonly number[], values: readonly number[]): OnnxTensor {
  return { name, dataType: DataType.INT64, dims, raw: rawBytes(BigInt64Array.from(values, (v) => BigInt(v))) };
}
