import { float } from '../builder.ts';
import type { Value } from '../builder.ts';
import { fail, type OpContext } from './types.ts';

/**
 * Activations, both standalone and fused into _FusedConv2D / _FusedMatMul (tfjs supports relu,
 * relu6, elu, leakyrelu, prelu, sigmoid and tanh there).
 */
export function applyActivation(ctx: OpContext, kind: string, x: string, layout: Value['layout'], nameBase: string, alpha?: Value): string {
  const b = ctx.b;
  switch (kind.toLowerCase()) {
    case 'relu':
      return b.op('Relu', [x], nameBase);
    case 'relu6':
      return b.op('Clip', [x, scalar(ctx, 0), scalar(ctx, 6)], nameBase);
    case 'elu':
      return b.op('Elu', [x], nameBase, { alpha: float(1) });
    case 'selu':
      // TF's constants, which are also ONNX's defaults.
      return b.op('Selu', [x], nameBase);
    case 'leakyrelu':
      return b.op('LeakyRelu', [x], nameBase, { alpha: float(ctx.attrs.float('leakyrelu_alpha', ctx.attrs.float('alpha', 0.2))) });
    case 'sigmoid':
      return b.op('Sigmoid', [x], nameBase);
    case 'tanh':
      return b.op('Tanh', [x], nameBase);
    case 'prelu': {
      if (!alpha) fail(ctx, 'Prelu needs an alpha argument');
      const slope = layout === 'nchw' ? b.nchwOperand(alpha) : b.plain(alpha);
      return b.op('PRelu', [x, slope], nameBase);
    }
    default:
      fail(ctx, `unsupported fused activation "${kind}"`);
  }
}

const scalars = new WeakMap<object, Map<number, string>>();

/** A shared float scalar initializer (Clip bounds and the like). */
export function scalar(ctx: OpContext, v: number): string {
  let m = scalars.get(ctx.b);
  if (!m) scalars.set(ctx.b, (m = new Map()));
  let name = m.get(v);
  if (!name) {
    name = ctx.b.floatConst(`const_${v}`, [], Float32Array.of(v));
    m.set(v, name);
  }
  return name;
}
