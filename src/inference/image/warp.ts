import { resampleSeparable } from './warp-separable.ts';

/**
 * The one pixel sampler of the analyzer: an affine warp from a packed rgb24 image into a model's
 * float input tensor, with bilinear interpolation, optional supersampling when shrinking (so a
 * 1080p frame squeezed into 256 px does not alias), colour order, grayscale and normalisation.
 * Letterboxing, face crops and eye-line alignment are all just different matrices.
 *
 * Hot path: plain loops over typed arrays, no closures or allocations per pixel. The caller owns
 * and reuses the destination buffer.
 */

/** A packed rgb24 image, row-major, width*height*3 bytes (a Frame satisfies it). */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * Maps a destination pixel centre (u, v) to a source position: x = a*u + b*v + c, y = d*u + e*v + f,
 * all in continuous pixel coordinates where pixel i covers [i, i+1).
 */
export interface Affine {
  a: number;
  b: number;
  c: number;
  d: number;
  e: number;
  f: number;
}

/** How a model wants its input: value = (pixel0..255 - mean[c]) / std[c]. */
export interface TensorFormat {
  layout: 'nchw' | 'nhwc';
  /** Channel order; 'gray' is one channel (ITU-R 601 luma weights, as FER2013 models expect). */
  colour: 'rgb' | 'bgr' | 'gray';
  mean: readonly [number, number, number] | readonly number[];
  std: readonly [number, number, number] | readonly number[];
}

const GRAY_R = 0.2989;
const GRAY_G = 0.587;
const GRAY_B = 0.114;

/** Values of one pixel, kept across calls so the sampler allocates nothing. */
const px = new Float64Array(3);
/** Packed r, g, b output of the separable path, reused across calls. */
let packed = new Float32Array(0);

/** Bilinear sample of src at continuous (x, y); outside the image reads `pad`. Writes into px. */
function sample(src: RgbImage, x: number, y: number, pad: number): void {
  const w = src.width;
  const h = src.height;
  // Continuous coordinate → index space of pixel centres.
  let fx = x - 0.5;
  let fy = y - 0.5;
  if (fx < -1 || fy < -1 || fx > w || fy > h) {
    px[0] = pad;
    px[1] = pad;
    px[2] = pad;
    return;
  }
  if (fx < 0) fx = 0;
  if (fy < 0) fy = 0;
  if (fx > w - 1) fx = w - 1;
  if (fy > h - 1) fy = h - 1;
  const x0 = fx | 0;
  const y0 = fy | 0;
  const x1 = x0 + 1 < w ? x0 + 1 : x0;
  const y1 = y0 + 1 < h ? y0 + 1 : y0;
  const ax = fx - x0;
  const ay = fy - y0;
  const d = src.data;
  const r0 = y0 * w * 3;
  const r1 = y1 * w * 3;
  const p00 = r0 + x0 * 3;
  const p01 = r0 + x1 * 3;
  const p10 = r1 + x0 * 3;
  const p11 = r1 + x1 * 3;
  const w00 = (1 - ax) * (1 - ay);
  const w01 = ax * (1 - ay);
  const w10 = (1 - ax) * ay;
  const w11 = ax * ay;
  px[0] = d[p00] * w00 + d[p01] * w01 + d[p10] * w10 + d[p11] * w11;
  px[1] = d[p00 + 1] * w00 + d[p01 + 1] * w01 + d[p10 + 1] * w10 + d[p11 + 1] * w11;
  px[2] = d[p00 + 2] * w00 + d[p01 + 2] * w01 + d[p10 + 2] * w10 + d[p11 + 2] * w11;
}

export interface WarpOptions {
  /** Pixel value (0..255) used outside the source image. */
  pad?: number;
  /** Mirror the output horizontally (test-time augmentation). */
  flip?: boolean;
}

/**
 * Fills one batch item of `dst` (starting at `offset`) with a dw x dh warp of `src`.
 * Returns the number of floats written.
 */
export function warpInto(src: RgbImage, m: Affine, dst: Float32Array, offset: number, dw: number, dh: number, fmt: TensorFormat, opts: WarpOptions = {}): number {
  const pad = opts.pad ?? 0;
  const channels = fmt.colour === 'gray' ? 1 : 3;
  const plane = dw * dh;
  if (dst.length < offset + plane * channels) throw new RangeError(`tensor buffer too small: ${dst.length} < ${offset + plane * channels}`);
  // Shrinking by more than 1.5x: average a few bilinear taps per output pixel (a cheap box prefilter).
  const sx = Math.hypot(m.a, m.d);
  const sy = Math.hypot(m.b, m.e);
  const tx = Math.min(4, Math.max(1, Math.round(sx)));
  const ty = Math.min(4, Math.max(1, Math.round(sy)));
  const taps = tx * ty;
  const m0 = fmt.mean[0],
    m1 = fmt.mean[1] ?? fmt.mean[0],
    m2 = fmt.mean[2] ?? fmt.mean[0];
  const s0 = 1 / fmt.std[0],
    s1 = 1 / (fmt.std[1] ?? fmt.std[0]),
    s2 = 1 / (fmt.std[2] ?? fmt.std[0]);
  const bgr = fmt.colour === 'bgr';
  const gray = fmt.colour === 'gray';
  const nchw = fmt.layout === 'nchw';
  const flip = opts.flip === true;
  const k: Store = { dst, offset, plane, gray, bgr, nchw, m0, m1, m2, s0, s1, s2 };
  if (m.b === 0 && m.d === 0) {
    // Axis-aligned (letterbox, plain resize): the same taps computed separably, about 10x faster.
    if (packed.length < plane * 3) packed = new Float32Array(plane * 3);
    resampleSeparable(src, m.a, m.c, m.e, m.f, tx, ty, dw, dh, pad, flip, packed);
    for (let p = 0; p < plane; p++) store(k, p, packed[p * 3], packed[p * 3 + 1], packed[p * 3 + 2]);
    return plane * channels;
  }
  for (let v = 0; v < dh; v++) {
    for (let u = 0; u < dw; u++) {
      const uc = (flip ? dw - 1 - u : u) + 0.5;
      const vc = v + 0.5;
      let r = 0,
        g = 0,
        b = 0;
      for (let j = 0; j < ty; j++) {
        const vv = vc + (j + 0.5) / ty - 0.5;
        for (let i = 0; i < tx; i++) {
          const uu = uc + (i + 0.5) / tx - 0.5;
          sample(src, m.a * uu + m.b * vv + m.c, m.d * uu + m.e * vv + m.f, pad);
          r += px[0];
          g += px[1];
          b += px[2];
        }
      }
      if (taps > 1) {
        r /= taps;
        g /= taps;
        b /= taps;
      }
      store(k, v * dw + u, r, g, b);
    }
  }
  return plane * channels;
}

/** Where and how warpInto writes a pixel: fixed for one call. */
interface Store {
  dst: Float32Array;
  offset: number;
  plane: number;
  gray: boolean;
  bgr: boolean;
  nchw: boolean;
  m0: number;
  m1: number;
  m2: number;
  s0: number;
  s1: number;
  s2: number;
}

/** Writes one output pixel (r, g, b in 0..255) in the model's colour order, layout and normalisation. */
function store(k: Store, p: number, r: number, g: number, b: number): void {
  const dst = k.dst;
  if (k.gray) {
    dst[k.offset + p] = (GRAY_R * r + GRAY_G * g + GRAY_B * b - k.m0) * k.s0;
    return;
  }
  const c0 = k.bgr ? b : r;
  const c2 = k.bgr ? r : b;
  if (k.nchw) {
    dst[k.offset + p] = (c0 - k.m0) * k.s0;
    dst[k.offset + k.plane + p] = (g - k.m1) * k.s1;
    dst[k.offset + 2 * k.plane + p] = (c2 - k.m2) * k.s2;
  } else {
    const q = k.offset + p * 3;
    dst[q] = (c0 - k.m0) * k.s0;
    dst[q + 1] = (g - k.m1) * k.s1;
    dst[q + 2] = (c2 - k.m2) * k.s2;
  }
}

/** Scale-and-translate matrix mapping a dw x dh output onto the source rectangle (x, y, w, h). */
export function rectAffine(x: number, y: number, w: number, h: number, dw: number, dh: number): Affine {
  return { a: w / dw, b: 0, c: x, d: 0, e: h / dh, f: y };
}

/**
 * Rotated square crop: output of size dw x dh covers a square of side `side` (source px) centred at
 * (cx, cy) and rotated by `angle` radians (positive = the source content is rotated clockwise into
 * upright), so that a tilted eye line comes out horizontal.
 */
export function rotatedAffine(cx: number, cy: number, side: number, angle: number, dw: number, dh: number): Affine {
  const sx = side / dw;
  const sy = side / dh;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  // src = centre + R(angle) * ((u - dw/2) * sx, (v - dh/2) * sy)
  return {
    a: cos * sx,
    b: -sin * sy,
    c: cx - cos * sx * (dw / 2) + sin * sy * (dh / 2),
    d: sin * sx,
    e: cos * sy,
    f: cy - sin * sx * (dw / 2) - cos * sy * (dh / 2),
  };
}

/** Maps a point from output (tensor) space back to source space. */
export function applyAffine(m: Affine, u: number, v: number): [number, number] {
  return [m.a * u + m.b * v + m.c, m.d * u + m.e * v + m.f];
}
