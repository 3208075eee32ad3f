import { rectAffine, type Affine } from './warp.ts';

/**
 * Fitting a frame into a model's fixed input without distorting faces: scale to fit, centre,
 * pad the rest. Detections come back in input pixels and are mapped to frame pixels with `toFrame`.
 */
export interface Letterbox {
  /** Source pixels per input pixel. */
  scale: number;
  /** Input-space offset of the frame's top-left corner. */
  padX: number;
  padY: number;
  /** Matrix for warpInto: input pixel → frame position. */
  affine: Affine;
}

/** `zoomOut` > 1 shrinks the frame further inside the input (for faces too close to the camera). */
export function letterbox(frameW: number, frameH: number, inputW: number, inputH: number, zoomOut = 1): Letterbox {
  const scale = Math.max(frameW / inputW, frameH / inputH) * zoomOut;
  const padX = (inputW - frameW / scale) / 2;
  const padY = (inputH - frameH / scale) / 2;
  // Input (u, v) → frame ((u - padX) * scale, (v - padY) * scale).
  const affine = rectAffine(-padX * scale, -padY * scale, inputW * scale, inputH * scale, inputW, inputH);
  return { scale, padX, padY, affine };
}

/** Maps an x (or y, with padY) from input pixels to frame pixels. */
export function toFrameX(lb: Letterbox, x: number): number {
  return (x - lb.padX) * lb.scale;
}

export function toFrameY(lb: Letterbox, y: number): number {
  return (y - lb.padY) * lb.scale;
}
