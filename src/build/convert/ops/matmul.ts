import { ints } from '../builder.ts';
import { transposeData } from '../layout.ts';
import { applyActivation } from './activation.ts';
import { base, fail, value, type OpTranslator } from './types.ts';

/**
 * MatMul and tfjs' _FusedMatMul (MatMul + BiasAdd + activation). Operands are used in TF element
 * order (an NCHW activation is transposed back first, so a flattened feature vector keeps TF's
 * order). A constant right-hand side with transpose_b is transposed at conversion time.
 */
const matmul: OpTranslator = (ctx) => {
  const [a, bv] = ctx.inputs;
  const b = ctx.b;
  // BatchMatMul spells the flags adj_x / adj_y (the same thing for real tensors).
  const ta = ctx.attrs.bool('transpose_a', ctx.attrs.bool('adj_x'));
  const tb = ctx.attrs.bool('transpose_b', ctx.attrs.bool('adj_y'));
  const rankA = a.shape?.length ?? 2;
  const rankB = bv.shape?.length ?? 2;
  const swap = (rank: number) => [...Array(rank - 2).keys(), rank - 1, rank - 2];
  let left = b.plain(a);
  if (ta) left = b.op('Transpose', [left], `${base(ctx)}/transpose_a`, { perm: ints(swap(rankA)) });
  let right: string;
  if (bv.constant && tb) {
    const c = bv.constant;
    const perm = swap(c.shape.length);
    right = b.floatConst(
      `${bv.name}/transposed`,
      perm.map((p) => c.shape[p]),
      transposeData(c.data as Float32Array, c.shape, perm),
    );
  } else {
    right = b.plain(bv);
    if (tb) right = b.op('Transpose', [right], `${base(ctx)}/transpose_b`, { perm: ints(swap(rankB)) });
  }
  const fused = ctx.attrs.strings('fused_ops').map((f) => f.toLowerCase());
  if (fused.includes('fusedbatchnorm')) fail(ctx, 'fused batch norm is not supported');
  const hasBias = fused[0] === 'biasadd';
  const activation = hasBias ? fused[1] : fused[0];
  const args = ctx.inputs.slice(2);
  const last = !hasBias && !activation;
  let y = b.op('MatMul', [left, right], last ? base(ctx) : `${base(ctx)}/matmul`);
  if (hasBias) {
    if (!args[0]) fail(ctx, 'BiasAdd is fused but the bias argument is missing');
    y = b.op('Add', [y, b.plain(args[0])], activation ? `${base(ctx)}/bias` : base(ctx));
  }
  if (activation) y = applyActivation(ctx, activation, y, 'plain', base(ctx), hasBias ? args[1] : args[0]);
  const sa = a.shape;
  const sb = bv.shape;
  const m = sa ? sa[ta ? sa.length - 1 : sa.length - 2] : -1;
  const n = sb ? sb[tb ? sb.length - 2 : sb.length - 1] : -1;
  const batch = sa ? sa.slice(0, -2) : [];
  return value(y, [...batch, m, n]);
};

export const matmulOps: Record<string, OpTranslator> = {
  MatMul: matmul,
  BatchMatMul: matmul,
  BatchMatMulV2: matmul,
  _FusedMatMul: matmul,
};
