import { convOps } from './conv.ts';
import { elementwiseOps } from './elementwise.ts';
import { matmulOps } from './matmul.ts';
import { poolOps } from './pool.ts';
import { reduceOps } from './reduce.ts';
import { resizeOps } from './resize.ts';
import { shapeOps } from './shape.ts';
import { sliceOps } from './slice.ts';
import type { OpTranslator } from './types.ts';

/** Every TF op the converter translates (Placeholder and Const are handled by the converter itself). */
export const OP_TRANSLATORS: Readonly<Record<string, OpTranslator>> = {
  ...convOps,
  ...poolOps,
  ...elementwiseOps,
  ...reduceOps,
  ...matmulOps,
  ...shapeOps,
  ...sliceOps,
  ...resizeOps,
};

export function supportedOps(): string[] {
  return ['Placeholder', 'Const', ...Object.keys(OP_TRANSLATORS)].sort();
}
