import { int, ints, str, type Value } from '../builder.ts';
import { transposeData } from '../layout.ts';
import type { AttrValue } from '../onnx-proto.ts';
import { applyActivation } from './activation.ts';
import { windowOf } from './geometry.ts';
import { base, constInput, fail, value, type OpTranslator } from './types.ts';

/**
 * Conv2D, DepthwiseConv2dNative and their tfjs-fused forms (_FusedConv2D,
 * FusedDepthwiseConv2dNative: conv + BiasAdd + activation in one node).
 *
 * Weights: TF conv filters are HWIO, ONNX wants OIHW. A depthwise filter [H, W, C, M] becomes a
 * grouped convolution with group = C and weight [C·M, 1, H, W]; output channel c·M + m in both.
 */
function convolution(depthwise: boolean): OpTranslator {
  return (ctx) => {
    const [x, filterValue] = ctx.inputs;
    const filter = constInput(ctx, 1, 'filter');
    if (filter.shape.length !== 4) fail(ctx, `filter must be 4-D, got [${filter.shape}]`);
    const [kh, kw, cin, cout] = filter.shape;
    const win = windowOf(ctx, x.shape, [kh, kw]);
    let weight: Float32Array;
    let wdims: number[];
    let group = 1;
    let channels: number;
    if (depthwise) {
      // [H, W, C, M] → [C, M, H, W] = [C·M, 1, H, W] in memory.
      weight = transposeData(filter.data as Float32Array, filter.shape, [2, 3, 0, 1]);
      wdims = [cin * cout, 1, kh, kw];
      group = cin;
      channels = cin * cout;
    } else {
      weight = transposeData(filter.data as Float32Array, filter.shape, [3, 2, 0, 1]);
      wdims = [cout, cin, kh, kw];
      channels = cout;
      if (x.shape && x.shape[3] > 0 && x.shape[3] !== cin) {
        // Grouped Conv2D (input channels a multiple of the filter's): TF infers groups from shapes.
        if (x.shape[3] % cin !== 0) fail(ctx, `input has ${x.shape[3]} channels but the filter expects ${cin}`);
        group = x.shape[3] / cin;
      }
    }
    const b = ctx.b;
    const fused = ctx.attrs.strings('fused_ops');
    const args = ctx.inputs.slice(2);
    const hasBias = fused.length > 0 && fused[0].toLowerCase() === 'biasadd';
    if (fused.some((f) => f.toLowerCase() === 'fusedbatchnorm')) fail(ctx, 'fused batch norm is not supported (tfjs does not run it either)');
    const inputs = [b.nchw(x), b.floatConst(`${filterValue.name}/oihw`, wdims, weight)];
    let biasArg: Value | undefined;
    if (hasBias) {
      biasArg = args[0];
      if (!biasArg) fail(ctx, 'BiasAdd is fused but the bias argument is missing');
      if (biasArg.constant && biasArg.constant.shape.length === 1) inputs.push(b.plain(biasArg));
    }
    const attributes: Record<string, AttrValue> = {
      kernel_shape: ints([kh, kw]),
      strides: ints(win.strides),
      dilations: ints(win.dilations),
      group: int(group),
    };
    if (win.pads) attributes.pads = ints(win.pads);
    else attributes.auto_pad = str('SAME_UPPER');
    const activation = hasBias ? fused[1] : fused[0];
    const convName = activation || (biasArg && inputs.length < 3) ? `${base(ctx)}/conv` : base(ctx);
    let y = b.op('Conv', inputs, convName, attributes);
    if (biasArg && inputs.length < 3) y = b.op('Add', [y, b.nchwOperand(biasArg)], activation ? `${base(ctx)}/bias` : base(ctx));
    if (activation) y = applyActivation(ctx, activation, y, 'nchw', base(ctx), hasBias ? args[1] : args[0]);
    const n = x.shape?.[0] ?? -1;
    return value(y, [n, win.out[0], win.out[1], channels], 'nchw');
  };
}

export const convOps: Record<string, OpTranslator> = {
  Conv2D: convolution(false),
  _FusedConv2D: convolution(false),
  DepthwiseConv2dNative: convolution(true),
  DepthwiseConv2D: convolution(true),
  FusedDepthwiseConv2dNative: convolution(true),
};
