import { int, str } from '../builder.ts';
import type { AttrValue } from '../onnx-proto.ts';
import { base, constInts, value, type OpTranslator } from './types.ts';

/**
 * ResizeBilinear / ResizeNearestNeighbor as ONNX Resize on the NCHW tensor. The output size comes
 * from a constant [h, w]; the batch and channel sizes are read at run time (Shape → Slice →
 * Concat) so a dynamic batch keeps working. TF's coordinate modes map one to one.
 */
function resize(mode: 'linear' | 'nearest'): OpTranslator {
  return (ctx) => {
    const [x] = ctx.inputs;
    const [h, w] = constInts(ctx, 1, 'size');
    const b = ctx.b;
    const input = b.nchw(x);
    const shape = b.op('Shape', [input], `${base(ctx)}/shape`);
    const nc = b.op('Slice', [shape, b.int64Const(`${base(ctx)}/zero`, [0]), b.int64Const(`${base(ctx)}/two`, [2])], `${base(ctx)}/nc`);
    const sizes = b.op('Concat', [nc, b.int64Const(`${base(ctx)}/hw`, [h, w])], `${base(ctx)}/sizes`, { axis: int(0) });
    const alignCorners = ctx.attrs.bool('align_corners');
    const halfPixel = ctx.attrs.bool('half_pixel_centers');
    const attributes: Record<string, AttrValue> = { mode: str(mode) };
    if (mode === 'linear') {
      attributes.coordinate_transformation_mode = str(alignCorners ? 'align_corners' : halfPixel ? 'half_pixel' : 'asymmetric');
    } else {
      attributes.coordinate_transformation_mode = str(alignCorners ? 'align_corners' : halfPixel ? 'tf_half_pixel_for_nn' : 'asymmetric');
      attributes.nearest_mode = str(alignCorners ? 'round_prefer_ceil' : 'floor');
    }
    const y = b.op('Resize', [input, '', '', sizes], base(ctx), attributes);
    return value(y, [x.shape?.[0] ?? -1, h, w, x.shape?.[3] ?? -1], 'nchw');
  };
}

export const resizeOps: Record<string, OpTranslator> = {
  ResizeBilinear: resize('linear'),
  ResizeNearestNeighbor: resize('nearest'),
};
