import { constToNchw, NCHW_TO_NHWC, NHWC_TO_NCHW, permute, transposeData } from './layout.ts';
import { DataType, floatTensor, int64Tensor, rawBytes, type AttrValue, type OnnxNode, type OnnxTensor } from './onnx-proto.ts';
import type { TfWeight } from './tfjs-reader.ts';

/**
 * A TF tensor as the converter sees it: the ONNX tensor that holds it, its shape in TF order, and
 * whether the ONNX tensor is the NCHW transpose of that (layout 'nchw') or the tensor as is ('plain').
 * Constants stay as data until an op needs them as a graph tensor, because most are folded into
 * attributes or re-laid-out weights.
 */
export interface Value {
  name: string;
  /** TF-order shape; -1 for an unknown dimension; null when the rank is unknown. */
  shape: number[] | null;
  layout: 'plain' | 'nchw';
  dtype: 'float32' | 'int32' | 'bool';
  constant?: TfWeight;
  /** Cached alternative-layout tensor names, so a value is transposed at most once. */
  alt?: { plain?: string; nchw?: string };
}

export class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  private readonly names = new Set<string>();

  /** A tensor or node name not used yet, derived from base. */
  unique(base: string): string {
    let name = base;
    for (let i = 1; this.names.has(name); i++) name = `${base}_${i}`;
    this.names.add(name);
    return name;
  }

  reserve(name: string): void {
    this.names.add(name);
  }

  /** Appends a node; returns its output tensor names (one per `outputs` base name). */
  node(opType: string, inputs: readonly string[], nameBase: string, attributes?: Record<string, AttrValue>, outputs = 1): string[] {
    const name = this.unique(nameBase);
    const outs = outputs === 1 ? [name] : Array.from({ length: outputs }, (_, i) => this.unique(`${name}:${i}`));
    this.nodes.push({ opType, name, inputs, outputs: outs, attributes });
    return outs;
  }

  /** One-output node. */
  op(opType: string, inputs: readonly string[], nameBase: string, attributes?: Record<string, AttrValue>): string {
    return this.node(opType, inputs, nameBase, attributes)[0];
  }

  floatConst(nameBase: string, dims: readonly number[], data: Float32Array): string {
    const name = this.unique(nameBase);
    this.initializers.push(floatTensor(name, dims, data));
    return name;
  }

  int64Const(nameBase: string, values: readonly number[], dims: readonly number[] = [values.length]): string {
    const name = this.unique(nameBase);
    this.initializers.push(int64Tensor(name, dims, values));
    return name;
  }

  private constTensor(nameBase: string, c: TfWeight, dims: readonly number[], data: Float32Array | Int32Array): string {
    if (c.dtype === 'float32') return this.floatConst(nameBase, dims, data as Float32Array);
    const name = this.unique(nameBase);
    this.initializers.push({ name, dataType: DataType.INT32, dims, raw: rawBytes(Int32Array.from(data)) });
    return name;
  }

  /** The value as a graph tensor in TF element order. */
  plain(v: Value): string {
    if (v.layout === 'plain' && !v.constant) return v.name;
    v.alt ??= {};
    if (v.alt.plain) return v.alt.plain;
    if (v.constant) {
      v.alt.plain = this.constTensor(v.name, v.constant, v.constant.shape, v.constant.data);
    } else {
      v.alt.plain = this.op('Transpose', [v.name], `${v.name}/to_nhwc`, { perm: ints(NCHW_TO_NHWC) });
    }
    return v.alt.plain;
  }

  /** A 4-D value as a graph tensor in NCHW order. */
  nchw(v: Value): string {
    if (v.layout === 'nchw') return v.name;
    if (v.shape && v.shape.length !== 4) throw new RangeError(`tensor ${v.name} has rank ${v.shape.length}, not 4; cannot lay it out as NCHW`);
    v.alt ??= {};
    if (v.alt.nchw) return v.alt.nchw;
    if (v.constant) {
      const c = v.constant;
      v.alt.nchw = this.constTensor(`${v.name}/nchw`, c, permute(c.shape, NHWC_TO_NCHW), transposeData(c.data, c.shape, NHWC_TO_NCHW));
    } else {
      v.alt.nchw = this.op('Transpose', [v.name], `${v.name}/to_nchw`, { perm: ints(NHWC_TO_NCHW) });
    }
    return v.alt.nchw;
  }

  /**
   * An operand of an elementwise op whose other operand is NCHW: constants of rank ≤ 4 are
   * re-laid-out to broadcast the same way; 4-D tensors are transposed.
   */
  nchwOperand(v: Value): string {
    if (v.layout === 'nchw') return v.name;
    if (v.constant) {
      if (v.constant.shape.length === 4) return this.nchw(v);
      const { data, dims } = constToNchw(v.constant.data, v.constant.shape);
      return this.constTensor(`${v.name}/nchw`, v.constant, dims, data);
    }
    return this.nchw(v);
  }
}

export const ints = (value: readonly number[]): AttrValue => ({ kind: 'ints', value });
export const int = (value: number): AttrValue => ({ kind: 'int', value });
export const float = (value: number): AttrValue => ({ kind: 'float', value });
export const str = (value: string): AttrValue => ({ kind: 'string', value });
