import { int, ints, str } from '../builder.ts';
import type { AttrValue } from '../onnx-proto.ts';
import { windowOf } from './geometry.ts';
import { base, fail, value, type OpContext, type OpTranslator } from './types.ts';

/**
 * MaxPool and AvgPool. TF's SAME padding never counts the padded cells (max ignores them, the
 * average divides by the valid count), which is ONNX's default (count_include_pad = 0).
 */
function pool(onnxOp: 'MaxPool' | 'AveragePool'): OpTranslator {
  return (ctx: OpContext) => {
    const [x] = ctx.inputs;
    const k = ctx.attrs.ints('ksize');
    if (k.length !== 4 || k[0] !== 1 || k[3] !== 1) fail(ctx, `ksize [${k}] is not supported (only spatial windows)`);
    const win = windowOf(ctx, x.shape, [k[1], k[2]]);
    const attributes: Record<string, AttrValue> = { kernel_shape: ints([k[1], k[2]]), strides: ints(win.strides) };
    if (win.pads) attributes.pads = ints(win.pads);
    else attributes.auto_pad = str('SAME_UPPER');
    if (onnxOp === 'AveragePool') attributes.count_include_pad = int(0);
    const y = ctx.b.op(onnxOp, [ctx.b.nchw(x)], base(ctx), attributes);
    return value(y, [x.shape?.[0] ?? -1, win.out[0], win.out[1], x.shape?.[3] ?? -1], 'nchw');
  };
}

export const poolOps: Record<string, OpTranslator> = {
  MaxPool: pool('MaxPool'),
  AvgPool: pool('AveragePool'),
};
