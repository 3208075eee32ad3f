import type { GraphBuilder, Value } from '../builder.ts';
import type { Attrs } from '../tf-attrs.ts';
import type { TfNode, TfWeight } from '../tfjs-reader.ts';

/** Everything an op translator sees: the TF node, its resolved inputs and the graph being built. */
export interface OpContext {
  node: TfNode;
  attrs: Attrs;
  inputs: Value[];
  b: GraphBuilder;
  /** Model name, for error messages. */
  model: string;
  /** True when the converter relaxed the model's fixed batch of 1 to a dynamic batch. */
  relaxedBatch: boolean;
}

/** Translates one TF node into ONNX nodes; returns the node's (first) output. */
export type OpTranslator = (ctx: OpContext) => Value;

/** A conversion failure that names the model, the node and the op. */
export class ConvertError extends Error {
  override name = 'ConvertError';
}

export function fail(ctx: OpContext, message: string): never {
  throw new ConvertError(`model ${ctx.model}: node "${ctx.node.name}" (${ctx.node.op}): ${message}`);
}

/** The data of input i, which the op needs to be a constant (weights, shapes, axes, paddings). */
export function constInput(ctx: OpContext, i: number, what: string): TfWeight {
  const v = ctx.inputs[i];
  if (!v) fail(ctx, `missing input ${i} (${what})`);
  if (!v.constant) fail(ctx, `input ${i} (${what}) must be a constant, got the computed tensor ${v.name}`);
  return v.constant;
}

export function constInts(ctx: OpContext, i: number, what: string): number[] {
  return Array.from(constInput(ctx, i, what).data, Number);
}

export function value(name: string, shape: number[] | null, layout: Value['layout'] = 'plain', dtype: Value['dtype'] = 'float32'): Value {
  return { name, shape, layout, dtype };
}

/** The ONNX node's base name for a TF node (its name, which is unique in the TF graph). */
export function base(ctx: OpContext): string {
  return ctx.node.name;
}
