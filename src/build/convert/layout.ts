/**
 * NHWC ↔ NCHW bookkeeping. TFJS graphs are NHWC; ONNX convolutions and pools are NCHW. The
 * converter keeps 4-D activations in NCHW between convolutions and transposes only where an op
 * depends on element order (Reshape, MatMul, graph outputs), so shapes are always tracked in TF
 * order and mapped through these helpers.
 */
export const NHWC_TO_NCHW = [0, 3, 1, 2] as const;
export const NCHW_TO_NHWC = [0, 2, 3, 1] as const;

/** Where a TF (NHWC) axis of a 4-D tensor sits in NCHW. */
export function nchwAxis(tfAxis: number): number {
  return [0, 2, 3, 1][tfAxis];
}

export function normaliseAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new RangeError(`axis ${axis} out of range for rank ${rank}`);
  return a;
}

export function permute<T>(items: readonly T[], perm: readonly number[]): T[] {
  return perm.map((p) => items[p]);
}

/** Transposes dense row-major data: out[i_0..] = data[i_perm..], the semantics of ONNX/TF Transpose. */
export function transposeData<T extends Float32Array | Int32Array>(data: T, shape: readonly number[], perm: readonly number[]): T {
  const rank = shape.length;
  const outShape = permute(shape, perm);
  const inStrides = strides(shape);
  const out = new (data.constructor as { new (n: number): T })(data.length);
  const idx = new Array<number>(rank).fill(0);
  // Stride in the input for each output axis.
  const step = perm.map((p) => inStrides[p]);
  for (let o = 0; o < data.length; o++) {
    let src = 0;
    for (let k = 0; k < rank; k++) src += idx[k] * step[k];
    out[o] = data[src];
    for (let k = rank - 1; k >= 0; k--) {
      if (++idx[k] < outShape[k]) break;
      idx[k] = 0;
    }
  }
  return out;
}

export function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

export function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** NumPy broadcasting of two shapes (-1 = unknown); null when either rank is unknown. */
export function broadcastShapes(a: readonly number[] | null, b: readonly number[] | null): number[] | null {
  if (!a || !b) return null;
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x === 1) out.push(y);
    else if (y === 1) out.push(x);
    else if (x === -1 || y === -1) out.push(Math.max(x, y));
    else if (x === y) out.push(x);
    else throw new RangeError(`shapes [${a}] and [${b}] do not broadcast`);
  }
  return out;
}

/**
 * A constant that broadcasts against an NHWC tensor, rearranged to broadcast the same way against
 * its NCHW form: left-pad to rank 4, then transpose. [C] becomes [1, C, 1, 1].
 */
export function constToNchw<T extends Float32Array | Int32Array>(data: T, shape: readonly number[]): { data: T; dims: number[] } {
  if (shape.length === 0) return { data, dims: [] };
  if (shape.length > 4) throw new RangeError(`cannot broadcast a rank-${shape.length} constant against a 4-D tensor`);
  const padded = [...new Array<number>(4 - shape.length).fill(1), ...shape];
  return { data: transposeData(data, padded, NHWC_TO_NCHW), dims: permute(padded, NHWC_TO_NCHW) };
}
