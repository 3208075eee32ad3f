import { base, constInts, fail, value, type OpTranslator } from './types.ts';

/** ONNX clamps slice bounds to the dimension, so the largest exact double stands in for ±∞. */
const BIG = Number.MAX_SAFE_INTEGER;

/**
 * StridedSlice with begin/end/shrink-axis masks (ellipsis and new-axis masks are rejected), as
 * ONNX Slice followed by Squeeze for the shrunk axes. Works in TF element order.
 */
const stridedSlice: OpTranslator = (ctx) => {
  const [x] = ctx.inputs;
  const begin = constInts(ctx, 1, 'begin');
  const end = constInts(ctx, 2, 'end');
  const steps = ctx.inputs[3] ? constInts(ctx, 3, 'strides') : begin.map(() => 1);
  const a = ctx.attrs;
  if (a.int('ellipsis_mask') !== 0 || a.int('new_axis_mask') !== 0) fail(ctx, 'ellipsis_mask and new_axis_mask are not supported');
  const beginMask = a.int('begin_mask');
  const endMask = a.int('end_mask');
  const shrinkMask = a.int('shrink_axis_mask');
  const starts: number[] = [];
  const ends: number[] = [];
  const shrink: number[] = [];
  for (let i = 0; i < begin.length; i++) {
    const step = steps[i];
    if (step === 0) fail(ctx, 'stride 0');
    if (shrinkMask & (1 << i)) {
      starts.push(begin[i]);
      ends.push(begin[i] === -1 ? BIG : begin[i] + 1);
      steps[i] = 1;
      shrink.push(i);
      continue;
    }
    starts.push(beginMask & (1 << i) ? (step > 0 ? 0 : BIG) : begin[i]);
    ends.push(endMask & (1 << i) ? (step > 0 ? BIG : -BIG) : end[i]);
  }
  const b = ctx.b;
  const axes = begin.map((_, i) => i);
  let y = b.op(
    'Slice',
    [b.plain(x), b.int64Const(`${base(ctx)}/starts`, starts), b.int64Const(`${base(ctx)}/ends`, ends), b.int64Const(`${base(ctx)}/axes`, axes), b.int64Const(`${base(ctx)}/steps`, steps)],
    shrink.length ? `${base(ctx)}/slice` : base(ctx),
  );
  if (shrink.length) y = b.op('Squeeze', [y, b.int64Const(`${base(ctx)}/squeeze_axes`, shrink)], base(ctx));
  const shape = x.shape ? x.shape.map((d, i) => (i < begin.length ? sliceLength(d, starts[i], ends[i], steps[i]) : d)).filter((_, i) => !shrink.includes(i)) : null;
  return value(y, shape, 'plain', x.dtype);
};

/** Length of a Python/ONNX-style slice of a dimension (-1 when the dimension is unknown). */
export function sliceLength(dim: number, start: number, end: number, step: number): number {
  if (dim < 0) return -1;
  const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
  let s = start < 0 ? start + dim : start;
  let e = end < 0 ? end + dim : end;
  if (step > 0) {
    s = clamp(s, 0, dim);
    e = clamp(e, 0, dim);
    return Math.max(0, Math.ceil((e - s) / step));
  }
  s = clamp(s, -1, dim - 1);
  e = clamp(e, -1, dim - 1);
  return Math.max(0, Math.ceil((s - e) / -step));
}

export const sliceOps: Record<string, OpTranslator> = { StridedSlice: stridedSlice };
