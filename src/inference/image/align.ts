import { rotatedAffine, warpInto, type Affine, type RgbImage, type TensorFormat } from './warp.ts';

/**
 * Face crops aligned on the eye line. A face's geometry is reduced to a FaceFrame (centre, reference
 * size, eye-line angle); each model then asks for a square of `scale` × size around the centre,
 * rotated so the eyes come out level, sampled bilinearly into its batch buffer.
 */
export interface FaceFrame {
  cx: number;
  cy: number;
  /** Reference size in frame pixels (face height: brow to chin for a mesh, box side for a detector). */
  size: number;
  /** Eye-line angle in radians (0 = level; positive = the subject's left eye lower in the image). */
  angle: number;
}

/**
 * Angle of the line from the subject's right eye (image left) to the left eye (image right);
 * atan2 in image coordinates, where y grows downwards.
 */
export function eyeAngle(rightEye: readonly [number, number], leftEye: readonly [number, number]): number {
  return Math.atan2(leftEye[1] - rightEye[1], leftEye[0] - rightEye[0]);
}

/** The affine that maps a dw x dh crop onto the rotated square of `scale` × frame.size. */
export function cropAffine(frame: FaceFrame, scale: number, dw: number, dh: number): Affine {
  return rotatedAffine(frame.cx, frame.cy, frame.size * scale, frame.angle, dw, dh);
}

/**
 * A batch input buffer for one model, grown (never shrunk) as more faces arrive so steady-state
 * frames allocate nothing. `view(n)` is the first n items.
 */
export class BatchBuffer {
  private buf: Float32Array;
  readonly itemSize: number;

  constructor(
    readonly width: number,
    readonly height: number,
    readonly format: TensorFormat,
    initialItems = 4,
  ) {
    this.itemSize = width * height * (format.colour === 'gray' ? 1 : 3);
    this.buf = new Float32Array(this.itemSize * initialItems);
  }

  ensure(items: number): void {
    if (this.buf.length >= items * this.itemSize) return;
    let cap = this.buf.length / this.itemSize;
    while (cap < items) cap *= 2;
    this.buf = new Float32Array(cap * this.itemSize);
  }

  /** Writes an aligned crop of `image` into batch slot `index`; returns the affine used. */
  fill(index: number, image: RgbImage, frame: FaceFrame, scale: number, flip = false): Affine {
    const m = cropAffine(frame, scale, this.width, this.height);
    warpInto(image, m, this.buf, index * this.itemSize, this.width, this.height, this.format, { flip });
    return m;
  }

  /** Writes a plain resize of a whole image (e.g. an already-cropped FER face) into slot `index`. */
  fillWhole(index: number, image: RgbImage, flip = false): void {
    const m: Affine = { a: image.width / this.width, b: 0, c: 0, d: 0, e: image.height / this.height, f: 0 };
    warpInto(image, m, this.buf, index * this.itemSize, this.width, this.height, this.format, { flip });
  }

  view(items: number): Float32Array {
    return this.buf.subarray(0, items * this.itemSize);
  }

  dims(items: number): number[] {
    const c = this.format.colour === 'gray' ? 1 : 3;
    return this.format.layout === 'nchw' ? [items, c, this.height, this.width] : [items, this.height, this.width, c];
  }
}
