import type { Value } from '../builder.ts';
import { broadcastShapes } from '../layout.ts';
import { applyActivation } from './activation.ts';
import { base, fail, value, type OpContext, type OpTranslator } from './types.ts';

/**
 * Elementwise ops. They work in whatever layout their operands arrive in: when one operand is an
 * NCHW activation, constants are re-laid-out to broadcast the same way (a per-channel [C] vector
 * becomes [1, C, 1, 1]) and the result stays NCHW; otherwise everything is plain TF order.
 */
function binary(onnxOp: string): OpTranslator {
  return (ctx) => {
    const [a, c] = ctx.inputs;
    if (!a || !c) fail(ctx, 'expects two inputs');
    let shape: number[] | null;
    try {
      shape = broadcastShapes(a.shape, c.shape);
    } catch (err) {
      fail(ctx, (err as Error).message);
    }
    const b = ctx.b;
    const nchw = (a.layout === 'nchw' || c.layout === 'nchw') && shape?.length === 4 && canNchw(a) && canNchw(c);
    const names = nchw ? [b.nchwOperand(a), b.nchwOperand(c)] : [b.plain(a), b.plain(c)];
    return value(b.op(onnxOp, names, base(ctx)), shape, nchw ? 'nchw' : 'plain', a.dtype);
  };
}

/** A computed operand of rank < 4 cannot be re-laid-out without a reshape: use plain layout then. */
function canNchw(v: Value): boolean {
  return v.layout === 'nchw' || !!v.constant || v.shape?.length === 4;
}

/** BiasAdd adds a [C] vector along the last (channel) axis: plain broadcasting already does that. */
const biasAdd: OpTranslator = (ctx) => {
  if (ctx.attrs.string('data_format', 'NHWC') !== 'NHWC') fail(ctx, 'only NHWC BiasAdd is supported');
  return binary('Add')(ctx);
};

function unary(onnxOp: string): OpTranslator {
  return (ctx) => {
    const [x] = ctx.inputs;
    const b = ctx.b;
    const name = x.layout === 'nchw' ? x.name : b.plain(x);
    return value(b.op(onnxOp, [name], base(ctx)), x.shape, x.layout, x.dtype);
  };
}

function activation(kind: string): OpTranslator {
  return (ctx) => {
    const [x, alpha] = ctx.inputs;
    const b = ctx.b;
    const name = x.layout === 'nchw' ? x.name : b.plain(x);
    return value(applyActivation(ctx, kind, name, x.layout, base(ctx), alpha), x.shape, x.layout);
  };
}

/** rsqrt(x) = 1 / sqrt(x); square(x) = x · x. */
const rsqrt: OpTranslator = (ctx) => {
  const [x] = ctx.inputs;
  const name = x.layout === 'nchw' ? x.name : ctx.b.plain(x);
  const s = ctx.b.op('Sqrt', [name], `${base(ctx)}/sqrt`);
  return value(ctx.b.op('Reciprocal', [s], base(ctx)), x.shape, x.layout);
};

const square: OpTranslator = (ctx) => {
  const [x] = ctx.inputs;
  const name = x.layout === 'nchw' ? x.name : ctx.b.plain(x);
  return value(ctx.b.op('Mul', [name, name], base(ctx)), x.shape, x.layout);
};

/** Identity-like ops add no node: the output is the input value. */
const passThrough: OpTranslator = (ctx: OpContext) => ctx.inputs[0];

export const elementwiseOps: Record<string, OpTranslator> = {
  Add: binary('Add'),
  AddV2: binary('Add'),
  BiasAdd: biasAdd,
  Sub: binary('Sub'),
  Mul: binary('Mul'),
  RealDiv: binary('Div'),
  Div: binary('Div'),
  Minimum: binary('Min'),
  Maximum: binary('Max'),
  Pow: binary('Pow'),
  Relu: activation('relu'),
  Relu6: activation('relu6'),
  Elu: activation('elu'),
  Selu: activation('selu'),
  LeakyRelu: activation('leakyrelu'),
  Prelu: activation('prelu'),
  Sigmoid: unary('Sigmoid'),
  Tanh: unary('Tanh'),
  Exp: unary('Exp'),
  Log: unary('Log'),
  Sqrt: unary('Sqrt'),
  Abs: unary('Abs'),
  Neg: unary('Neg'),
  Floor: unary('Floor'),
  Ceil: unary('Ceil'),
  Rsqrt: rsqrt,
  Square: square,
  Identity: passThrough,
  StopGradient: passThrough,
  Snapshot: passThrough,
};
