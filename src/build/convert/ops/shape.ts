import { int, ints, str } from '../builder.ts';
import { nchwAxis, NCHW_TO_NHWC, normaliseAxis, permute } from '../layout.ts';
import { base, constInput, constInts, fail, value, type OpContext, type OpTranslator } from './types.ts';

/**
 * Ops that move elements around. Reshape, ExpandDims, Squeeze and StridedSlice work in TF element
 * order (an NCHW input is transposed back first); Pad, ConcatV2 and Transpose map their axes so
 * an NCHW input needs no extra transpose.
 */

const reshape: OpTranslator = (ctx) => {
  const [x] = ctx.inputs;
  const target = constInts(ctx, 1, 'shape');
  const inShape = x.shape;
  // The model's fixed batch of 1 was made dynamic: a target that pins dimension 0 to 1 copies it instead.
  if (ctx.relaxedBatch && inShape?.[0] === -1 && target[0] === 1) target[0] = 0;
  const y = ctx.b.op('Reshape', [ctx.b.plain(x), ctx.b.int64Const(`${base(ctx)}/shape`, target)], base(ctx));
  return value(y, reshapeShape(inShape, target), 'plain', x.dtype);
};

/** Output shape of ONNX Reshape (0 copies the input dimension, one -1 is inferred). */
export function reshapeShape(inShape: number[] | null, target: number[]): number[] {
  const out = target.map((t, i) => (t === 0 ? (inShape?.[i] ?? -1) : t));
  const unknown = out.indexOf(-1);
  if (unknown >= 0 && inShape && !inShape.includes(-1)) {
    const total = inShape.reduce((a, b) => a * b, 1);
    const rest = out.reduce((a, b, i) => (i === unknown ? a : a * b), 1);
    out[unknown] = total / rest;
  }
  return out;
}

const expandDims: OpTranslator = (ctx) => {
  const [x] = ctx.inputs;
  const rank = x.shape?.length ?? fail(ctx, 'input rank is unknown');
  const axis = normaliseAxis(constInts(ctx, 1, 'axis')[0], rank + 1);
  const shape = [...x.shape!];
  shape.splice(axis, 0, 1);
  const y = ctx.b.op('Unsqueeze', [ctx.b.plain(x), ctx.b.int64Const(`${base(ctx)}/axes`, [axis])], base(ctx));
  return value(y, shape, 'plain', x.dtype);
};

const squeeze: OpTranslator = (ctx) => {
  const [x] = ctx.inputs;
  const shape = x.shape ?? fail(ctx, 'input rank is unknown');
  let axes = ctx.attrs.ints('squeeze_dims', ctx.attrs.ints('axis')).map((a) => normaliseAxis(a, shape.length));
  if (axes.length === 0) axes = shape.flatMap((d, i) => (d === 1 ? [i] : []));
  if (axes.some((a) => shape[a] !== 1 && shape[a] !== -1)) fail(ctx, `cannot squeeze axes [${axes}] of shape [${shape}]`);
  const y = ctx.b.op('Squeeze', [ctx.b.plain(x), ctx.b.int64Const(`${base(ctx)}/axes`, axes)], base(ctx));
  return value(
    y,
    shape.filter((_, i) => !axes.includes(i)),
    'plain',
    x.dtype,
  );
};

function pad(ctx: OpContext, mode: 'constant' | 'reflect'): ReturnType<OpTranslator> {
  const [x] = ctx.inputs;
  const p = constInts(ctx, 1, 'paddings');
  const rank = p.length / 2;
  const rows = Array.from({ length: rank }, (_, i) => [p[i * 2], p[i * 2 + 1]]);
  const nchw = x.layout === 'nchw';
  const ordered = nchw ? rows.map((_, i) => rows[[0, 3, 1, 2][i]]) : rows;
  const pads = [...ordered.map((r) => r[0]), ...ordered.map((r) => r[1])];
  const b = ctx.b;
  const inputs = [nchw ? x.name : b.plain(x), b.int64Const(`${base(ctx)}/pads`, pads)];
  if (ctx.inputs[2]) {
    const cv = constInput(ctx, 2, 'constant_values');
    inputs.push(b.floatConst(`${base(ctx)}/value`, [], Float32Array.of(Number(cv.data[0]))));
  }
  const y = b.op('Pad', inputs, base(ctx), { mode: str(mode) });
  const shape = x.shape ? x.shape.map((d, i) => (d < 0 ? -1 : d + rows[i][0] + rows[i][1])) : null;
  return value(y, shape, x.layout, x.dtype);
}

const mirrorPad: OpTranslator = (ctx) => {
  const mode = ctx.attrs.string('mode');
  if (mode !== 'REFLECT') fail(ctx, `MirrorPad mode ${mode} is not supported (only REFLECT)`);
  return pad(ctx, 'reflect');
};

const concat: OpTranslator = (ctx) => {
  const parts = ctx.inputs.slice(0, -1);
  const rank = parts.find((p) => p.shape)?.shape?.length ?? fail(ctx, 'input ranks are unknown');
  const axis = normaliseAxis(constInts(ctx, ctx.inputs.length - 1, 'axis')[0], rank);
  const b = ctx.b;
  const computed = parts.filter((p) => !p.constant);
  const nchw = rank === 4 && computed.length > 0 && computed.every((p) => p.layout === 'nchw');
  const names = parts.map((p) => (nchw ? b.nchw(p) : b.plain(p)));
  const y = b.op('Concat', names, base(ctx), { axis: int(nchw ? nchwAxis(axis) : axis) });
  const shape = parts[0].shape ? [...parts[0].shape] : null;
  if (shape) shape[axis] = parts.reduce((n, p) => (n < 0 || !p.shape || p.shape[axis] < 0 ? -1 : n + p.shape[axis]), 0);
  return value(y, shape, nchw ? 'nchw' : 'plain', parts[0].dtype);
};

const transpose: OpTranslator = (ctx) => {
  const [x] = ctx.inputs;
  const perm = constInts(ctx, 1, 'perm');
  // On an NCHW tensor, fold the layout transpose into this one: TF order is NCHW_TO_NHWC of it.
  const onnxPerm = x.layout === 'nchw' ? perm.map((p) => NCHW_TO_NHWC[p]) : perm;
  const y = ctx.b.op('Transpose', [x.layout === 'nchw' ? x.name : ctx.b.plain(x)], base(ctx), { perm: ints(onnxPerm) });
  return value(y, x.shape ? permute(x.shape, perm) : null, 'plain', x.dtype);
};

export const shapeOps: Record<string, OpTranslator> = {
  Reshape: reshape,
  ExpandDims: expandDims,
  Squeeze: squeeze,
  Pad: (ctx) => pad(ctx, 'constant'),
  PadV2: (ctx) => pad(ctx, 'constant'),
  MirrorPad: mirrorPad,
  ConcatV2: concat,
  Transpose: transpose,
};
