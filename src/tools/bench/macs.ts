import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { ProtoWriter } from '../../build/convert/protobuf.ts';
import { readFields, type ProtoField } from '../../inference/runtime/protobuf-reader.ts';

/**
 * Multiply-adds of one run of an ONNX model at batch 1, counted over its Conv, MatMul and Gemm
 * nodes (the converted models have no ConvTranspose) (everything else is memory-bound and small). Output shapes come from
 * ONNX Runtime itself rather than our own shape inference: the model is re-parsed with each such
 * node's output (and MatMul's first input) added as extra graph outputs, and run once on zeros.
 */
export interface ModelMacs {
  macs: number;
  nodes: number;
}

interface MacNode {
  op: string;
  inputs: string[];
  output: string;
  transB: boolean;
}

const text = new TextDecoder();
const str = (f: ProtoField) => text.decode(f.bytes);

function varints(f: ProtoField): number[] {
  if (f.wireType === 0) return [Number(f.int)];
  const out: number[] = [];
  const b = f.bytes!;
  let pos = 0;
  while (pos < b.length) {
    let v = 0;
    let mul = 1;
    for (;;) {
      const byte = b[pos++];
      v += (byte & 0x7f) * mul;
      mul *= 128;
      if ((byte & 0x80) === 0) break;
    }
    out.push(v);
  }
  return out;
}

function readGraph(model: Uint8Array): { nodes: MacNode[]; weightDims: Map<string, number[]> } {
  const graph = readFields(model).find((f) => f.field === 7);
  if (!graph?.bytes) throw new Error('not an ONNX model: no graph');
  const nodes: MacNode[] = [];
  const weightDims = new Map<string, number[]>();
  for (const f of readFields(graph.bytes)) {
    if (f.field === 5 && f.bytes) {
      const t = readFields(f.bytes);
      const name = t.find((x) => x.field === 8);
      if (name) weightDims.set(str(name), t.filter((x) => x.field === 1).flatMap(varints));
    } else if (f.field === 1 && f.bytes) {
      const n = readFields(f.bytes);
      const op = str(n.find((x) => x.field === 4)!);
      if (!['Conv', 'MatMul', 'Gemm'].includes(op)) continue;
      let transB = false;
      for (const a of n.filter((x) => x.field === 5)) {
        const af = readFields(a.bytes!);
        if (str(af.find((x) => x.field === 1)!) === 'transB') transB = Number(af.find((x) => x.field === 3)?.int ?? 0n) === 1;
      }
      nodes.push({ op, inputs: n.filter((x) => x.field === 1).map(str), output: str(n.find((x) => x.field === 2)!), transB });
    }
  }
  return { nodes, weightDims };
}

/** The model with extra float outputs appended: a second graph field merges into the first (protobuf semantics). */
function withOutputs(model: Uint8Array, names: string[]): Uint8Array {
  const extra = new ProtoWriter();
  for (const name of names) {
    const type = new ProtoWriter().message(1, new ProtoWriter().int(1, 1)); // tensor_type { elem_type: FLOAT }
    extra.message(12, new ProtoWriter().string(1, name).message(2, type));
  }
  const tail = new ProtoWriter().message(7, extra).finish();
  const out = new Uint8Array(model.length + tail.length);
  out.set(model);
  out.set(tail, model.length);
  return out;
}

export async function countModelMacs(file: string, input: { name: string; shape: number[] }): Promise<ModelMacs> {
  const model = new Uint8Array(readFileSync(file));
  const { nodes, weightDims } = readGraph(model);
  const probe = new Set<string>();
  for (const n of nodes) {
    probe.add(n.output);
    if (n.op === 'MatMul') probe.add(n.inputs[0]);
  }
  const session = await ort.InferenceSession.create(withOutputs(model, [...probe]), { graphOptimizationLevel: 'disabled' });
  try {
    const size = input.shape.reduce((a, b) => a * b, 1);
    const result = await session.run({ [input.name]: new ort.Tensor('float32', new Float32Array(size), input.shape) }, [...probe]);
    const dims = (name: string) => result[name]?.dims.map(Number) ?? [];
    const numel = (name: string) => dims(name).reduce((a, b) => a * b, 1);
    let macs = 0;
    for (const n of nodes) {
      const w = weightDims.get(n.inputs[1]);
      if (n.op === 'Conv' && w) macs += numel(n.output) * w.slice(1).reduce((a, b) => a * b, 1);
      else if (n.op === 'MatMul') macs += numel(n.output) * (dims(n.inputs[0]).at(-1) ?? 0);
      else if (n.op === 'Gemm' && w) macs += numel(n.output) * (n.transB ? w[1] : w[0]);
    }
    return { macs, nodes: nodes.length };
  } finally {
    await session.release();
  }
}
