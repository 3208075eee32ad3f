import { fail, type OpContext } from './types.ts';

/**
 * Sliding-window geometry shared by convolutions and pools: TF's NHWC strides/dilations/padding
 * attributes turned into ONNX's spatial-only lists. SAME padding is made explicit (TF puts the odd
 * pixel at the end, as ONNX SAME_UPPER does) whenever the input size is known, which every model
 * here satisfies; otherwise it falls back to auto_pad.
 */
export interface Window {
  strides: [number, number];
  dilations: [number, number];
  /** ONNX pads [top, left, bottom, right], or null for auto_pad SAME_UPPER. */
  pads: [number, number, number, number] | null;
  /** Output spatial size (TF order H, W); -1 if unknown. */
  out: [number, number];
}

export function windowOf(ctx: OpContext, inShape: number[] | null, kernel: [number, number], stridesKey = 'strides'): Window {
  const a = ctx.attrs;
  if (a.string('data_format', 'NHWC') !== 'NHWC') fail(ctx, `data_format ${a.string('data_format')} is not supported (only NHWC)`);
  const s = a.ints(stridesKey, [1, 1, 1, 1]);
  const d = a.ints('dilations', [1, 1, 1, 1]);
  const strides: [number, number] = [s[1], s[2]];
  const dilations: [number, number] = [d[1], d[2]];
  const padding = a.string('padding', 'VALID');
  const inHW: [number, number] = [inShape?.[1] ?? -1, inShape?.[2] ?? -1];
  const eff = [0, 1].map((i) => (kernel[i] - 1) * dilations[i] + 1);
  const pads: [number, number, number, number] = [0, 0, 0, 0];
  const out: [number, number] = [-1, -1];
  let auto = false;
  for (let i = 0; i < 2; i++) {
    const n = inHW[i];
    if (padding === 'SAME') {
      if (n < 0 && strides[i] > 1) {
        auto = true;
        continue;
      }
      const o = n < 0 ? -1 : Math.ceil(n / strides[i]);
      const total = n < 0 ? eff[i] - 1 : Math.max((o - 1) * strides[i] + eff[i] - n, 0);
      pads[i] = Math.floor(total / 2);
      pads[i + 2] = total - pads[i];
      out[i] = o;
    } else if (padding === 'VALID') {
      out[i] = n < 0 ? -1 : Math.floor((n - eff[i]) / strides[i]) + 1;
    } else if (padding === 'EXPLICIT') {
      const e = a.ints('explicit_paddings');
      pads[i] = e[(i + 1) * 2];
      pads[i + 2] = e[(i + 1) * 2 + 1];
      out[i] = n < 0 ? -1 : Math.floor((n + pads[i] + pads[i + 2] - eff[i]) / strides[i]) + 1;
    } else {
      fail(ctx, `padding "${padding}" is not supported`);
    }
  }
  return { strides, dilations, pads: auto ? null : pads, out };
}
