import { endianness } from 'node:os';
import { GraphBuilder, type Value } from './builder.ts';
import { DataType, encodeModel, type Dim, type OnnxValueInfo } from './onnx-proto.ts';
import { OP_TRANSLATORS } from './ops/index.ts';
import { ConvertError, type OpContext } from './ops/types.ts';
import { Attrs } from './tf-attrs.ts';
import { signatureOf, type TfjsModel, type TfNode } from './tfjs-reader.ts';

/**
 * TFJS graph model → ONNX model. Walks the TF graph from its outputs in dependency order and hands
 * each node to its op translator (ops/). Activations enter as NHWC (the models' own input layout,
 * so callers feed the same tensor TFJS takes), are transposed to NCHW once at the first
 * convolution, and are transposed back only where element order matters.
 *
 * Bump CONVERTER_VERSION whenever the ONNX output for an unchanged input changes: the build step
 * compares it to rebuild stale models.
 */
export const CONVERTER_VERSION = '1';
export const OPSET = 17;
const IR_VERSION = 8;

export interface ConvertOptions {
  /** TF placeholder name → ONNX input name. */
  inputNames?: Record<string, string>;
  /** TF output tensor (node name, ':0' dropped) → ONNX output name. */
  outputNames?: Record<string, string>;
  /** TF tensors to export, in order (default: the signature's outputs, else the nodes nothing consumes). */
  outputs?: readonly string[];
  /** Relax a fixed batch of 1 to a dynamic batch dimension (default true). */
  dynamicBatch?: boolean;
  docString?: string;
  metadata?: Record<string, string>;
}

export interface TensorInfo {
  name: string;
  /** The TF tensor it corresponds to. */
  tfName: string;
  /** null when the rank is unknown. */
  shape: Dim[] | null;
}

export interface ConvertResult {
  bytes: Uint8Array;
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  /** TF op → node count, over the nodes the outputs depend on. */
  tfOps: Record<string, number>;
  onnxOps: Record<string, number>;
  /** How the weights were stored in the source (float32, float16, uint8 …) → count. */
  weightStorage: Record<string, number>;
}

export { ConvertError };

export function convertTfjs(model: TfjsModel, opts: ConvertOptions = {}): ConvertResult {
  if (endianness() !== 'LE') throw new ConvertError('the converter writes little-endian tensors and needs a little-endian host');
  const byName = new Map(model.nodes.map((n) => [n.name, n]));
  const outputRefs = opts.outputs?.length ? [...opts.outputs] : graphOutputs(model);
  const order = topologicalOrder(
    model,
    byName,
    outputRefs.map((o) => parseRef(o).node),
  );
  rejectUnsupported(model, order);

  const b = new GraphBuilder();
  const values = new Map<string, Value>();
  const inputs: TensorInfo[] = [];
  const graphInputs: OnnxValueInfo[] = [];
  const tfOps: Record<string, number> = {};
  const weightStorage: Record<string, number> = {};
  let relaxedBatch = false;

  // Reserve the public names first so internal tensors never take them.
  for (const n of order) if (n.op === 'Placeholder') b.reserve(opts.inputNames?.[n.name] ?? n.name);
  const outNames = outputRefs.map((ref) => opts.outputNames?.[stripZero(ref)] ?? stripZero(ref));
  for (const name of outNames) b.reserve(name);

  for (const node of order) {
    tfOps[node.op] = (tfOps[node.op] ?? 0) + 1;
    const attrs = new Attrs(node);
    if (node.op === 'Placeholder') {
      const shape = attrs.shape('shape');
      if (shape && shape.length > 0 && shape[0] === 1 && opts.dynamicBatch !== false) {
        shape[0] = -1;
        relaxedBatch = true;
      }
      const name = opts.inputNames?.[node.name] ?? node.name;
      const dims = toDims(shape, name);
      inputs.push({ name, tfName: node.name, shape: dims });
      graphInputs.push({ name, elemType: DataType.FLOAT, shape: dims });
      const dtype = node.attr?.dtype?.type;
      if (dtype && dtype !== 'DT_FLOAT') throw new ConvertError(`model ${model.name}: input ${node.name} has dtype ${dtype}; only float32 inputs are supported`);
      values.set(`${node.name}:0`, { name, shape, layout: 'plain', dtype: 'float32' });
      continue;
    }
    if (node.op === 'Const') {
      const w = model.weights.get(node.name);
      if (!w) throw new ConvertError(`model ${model.name}: node "${node.name}" (Const) has no entry in the weights manifest`);
      weightStorage[w.storedAs] = (weightStorage[w.storedAs] ?? 0) + 1;
      values.set(`${node.name}:0`, { name: node.name, shape: w.shape, layout: 'plain', dtype: w.dtype, constant: w });
      continue;
    }
    const ctx: OpContext = { node, attrs, b, model: model.name, relaxedBatch, inputs: resolveInputs(model, node, values) };
    let out: Value;
    try {
      out = OP_TRANSLATORS[node.op](ctx);
    } catch (err) {
      if (err instanceof ConvertError) throw err;
      throw new ConvertError(`model ${model.name}: node "${node.name}" (${node.op}): ${(err as Error).message}`, { cause: err });
    }
    values.set(`${node.name}:0`, out);
  }

  const outputs: TensorInfo[] = [];
  const graphOutputsInfo: OnnxValueInfo[] = [];
  outputRefs.forEach((ref, i) => {
    const v = values.get(normRef(ref));
    if (!v) throw new ConvertError(`model ${model.name}: output ${ref} was not produced`);
    const name = outNames[i];
    b.nodes.push({ opType: 'Identity', name: `${name}/output`, inputs: [b.plain(v)], outputs: [name] });
    const dims = toDims(v.shape, name);
    outputs.push({ name, tfName: stripZero(ref), shape: dims });
    graphOutputsInfo.push({ name, elemType: DataType.FLOAT, shape: dims });
  });

  const onnxOps: Record<string, number> = {};
  for (const n of b.nodes) onnxOps[n.opType] = (onnxOps[n.opType] ?? 0) + 1;
  const bytes = encodeModel({
    irVersion: IR_VERSION,
    opsetVersion: OPSET,
    producerName: 'glance-tfjs2onnx',
    producerVersion: CONVERTER_VERSION,
    docString: opts.docString,
    metadata: opts.metadata,
    graph: { name: model.name, nodes: b.nodes, initializers: b.initializers, inputs: graphInputs, outputs: graphOutputsInfo },
  });
  return { bytes, inputs, outputs, tfOps, onnxOps, weightStorage };
}

/** Signature outputs when the model has a signature, else the nodes nothing consumes. */
function graphOutputs(model: TfjsModel): string[] {
  const sig = signatureOf(model.json)?.outputs;
  if (sig && Object.keys(sig).length > 0) return Object.values(sig).map((t) => t.name);
  const consumed = new Set<string>();
  for (const n of model.nodes) for (const i of n.input ?? []) consumed.add(parseRef(i).node);
  return model.nodes.filter((n) => !consumed.has(n.name) && n.op !== 'Const' && n.op !== 'Placeholder').map((n) => n.name);
}

function parseRef(ref: string): { node: string; index: number } {
  const r = ref.startsWith('^') ? ref.slice(1) : ref;
  const m = /^(.*):(\d+)$/.exec(r);
  return m ? { node: m[1], index: Number(m[2]) } : { node: r, index: 0 };
}

function normRef(ref: string): string {
  const { node, index } = parseRef(ref);
  return `${node}:${index}`;
}

function stripZero(ref: string): string {
  return ref.endsWith(':0') ? ref.slice(0, -2) : ref;
}

/** Depth-first post-order from the outputs: every node after its inputs; unused nodes dropped. */
function topologicalOrder(model: TfjsModel, byName: Map<string, TfNode>, roots: string[]): TfNode[] {
  const order: TfNode[] = [];
  const state = new Map<string, 'open' | 'done'>();
  for (const root of roots) {
    const stack: Array<{ name: string; expanded: boolean }> = [{ name: root, expanded: false }];
    while (stack.length) {
      const top = stack.pop()!;
      const node = byName.get(top.name);
      if (!node) throw new ConvertError(`model ${model.name}: the graph references node "${top.name}", which does not exist`);
      if (top.expanded) {
        state.set(top.name, 'done');
        order.push(node);
        continue;
      }
      const s = state.get(top.name);
      if (s === 'done') continue;
      if (s === 'open') throw new ConvertError(`model ${model.name}: the graph has a cycle through node "${top.name}"`);
      state.set(top.name, 'open');
      stack.push({ name: top.name, expanded: true });
      for (const i of [...(node.input ?? [])].reverse()) {
        if (i.startsWith('^')) continue;
        const dep = parseRef(i).node;
        if (state.get(dep) !== 'done') stack.push({ name: dep, expanded: false });
      }
    }
  }
  return order;
}

/** All unsupported ops at once, each with a node that uses it. */
function rejectUnsupported(model: TfjsModel, order: TfNode[]): void {
  const missing = new Map<string, string>();
  for (const n of order) {
    if (n.op === 'Placeholder' || n.op === 'Const' || OP_TRANSLATORS[n.op]) continue;
    if (!missing.has(n.op)) missing.set(n.op, n.name);
  }
  if (missing.size > 0) {
    const list = [...missing].map(([op, node]) => `${op} (node "${node}")`).join(', ');
    throw new ConvertError(`model ${model.name}: unsupported TFJS op${missing.size > 1 ? 's' : ''}: ${list}`);
  }
}

function resolveInputs(model: TfjsModel, node: TfNode, values: Map<string, Value>): Value[] {
  return (node.input ?? [])
    .filter((i) => !i.startsWith('^'))
    .map((ref) => {
      const v = values.get(normRef(ref));
      if (!v) throw new ConvertError(`model ${model.name}: node "${node.name}" (${node.op}): input ${ref} is not available`);
      return v;
    });
}

function toDims(shape: number[] | null, tensor: string): Dim[] | null {
  if (!shape) return null;
  return shape.map((d, i) => (d >= 0 ? d : i === 0 ? 'batch' : `${tensor}_dim${i}`));
}
