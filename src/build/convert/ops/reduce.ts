import { int, ints } from '../builder.ts';
import { nchwAxis, normaliseAxis } from '../layout.ts';
import { base, constInts, fail, value, type OpTranslator } from './types.ts';

/**
 * Mean / Max / Min / Sum / Prod over constant axes. On an NCHW activation the axes are mapped
 * (TF axis 1, 2, 3 → 2, 3, 1); with keep_dims the result stays NCHW; without, the surviving axes
 * must keep their TF order (true for the usual global pooling over H and W, which leaves [N, C]),
 * else the input is transposed back first.
 */
function reduce(onnxOp: string): OpTranslator {
  return (ctx) => {
    const [x] = ctx.inputs;
    const rank = x.shape?.length ?? fail(ctx, 'input rank is unknown');
    const keep = ctx.attrs.bool('keep_dims', ctx.attrs.bool('keepdims', false));
    // (An out-of-range axis throws a RangeError, which the converter reports with the node.)
    const axes = [...new Set(constInts(ctx, 1, 'reduction axes').map((a) => normaliseAxis(a, rank)))].sort((p, q) => p - q);
    const shape = keep ? x.shape!.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape!.filter((_, i) => !axes.includes(i));
    const b = ctx.b;
    let input: string;
    let onnxAxes = axes;
    let layout: 'plain' | 'nchw' = 'plain';
    if (x.layout === 'nchw' && (keep || survivorsKeepOrder(axes))) {
      input = x.name;
      onnxAxes = axes.map(nchwAxis).sort((p, q) => p - q);
      layout = keep ? 'nchw' : 'plain';
    } else {
      input = b.plain(x);
    }
    const attributes = { keepdims: int(keep ? 1 : 0) };
    // Opset 13+ ReduceSum takes axes as an input; the others still take an attribute in opset 17.
    const y = onnxOp === 'ReduceSum' ? b.op(onnxOp, [input, b.int64Const(`${base(ctx)}/axes`, onnxAxes)], base(ctx), attributes) : b.op(onnxOp, [input], base(ctx), { ...attributes, axes: ints(onnxAxes) });
    return value(y, shape, layout);
  };
}

/** Whether the axes left after reducing an NCHW tensor are in the same relative order as in NHWC. */
function survivorsKeepOrder(axes: number[]): boolean {
  const left = [0, 1, 2, 3].filter((a) => !axes.includes(a));
  const byNchw = [...left].sort((p, q) => nchwAxis(p) - nchwAxis(q));
  return byNchw.every((a, i) => a === left[i]);
}

/** Softmax over the last TF axis (the channel axis, 1, for an NCHW tensor). */
const softmax: OpTranslator = (ctx) => {
  const [x] = ctx.inputs;
  const b = ctx.b;
  if (x.layout === 'nchw') return value(b.op('Softmax', [x.name], base(ctx), { axis: int(1) }), x.shape, 'nchw');
  return value(b.op('Softmax', [b.plain(x)], base(ctx), { axis: int(-1) }), x.shape);
};

export const reduceOps: Record<string, OpTranslator> = {
  Mean: reduce('ReduceMean'),
  Max: reduce('ReduceMax'),
  Min: reduce('ReduceMin'),
  Sum: reduce('ReduceSum'),
  Prod: reduce('ReduceProd'),
  Softmax: softmax,
};
