import test from 'ava';
import { letterbox, toFrameX, toFrameY } from '../../src/inference/image/letterbox.ts';
import { applyAffine, rectAffine, rotatedAffine, warpInto, type RgbImage, type TensorFormat } from '../../src/inference/image/warp.ts';

const RAW_RGB_NHWC: TensorFormat = { layout: 'nhwc', colour: 'rgb', mean: [0, 0, 0], std: [1, 1, 1] };

/** A w x h image where pixel (x, y) = (x, y, 7), so every sample says where it came from. */
function coordImage(w: number, h: number): RgbImage {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set([x, y, 7], (y * w + x) * 3);
  return { width: w, height: h, data };
}

test('identity warp copies pixels exactly', (t) => {
  const img = coordImage(8, 6);
  const out = new Float32Array(8 * 6 * 3);
  warpInto(img, rectAffine(0, 0, 8, 6, 8, 6), out, 0, 8, 6, RAW_RGB_NHWC);
  t.deepEqual(Array.from(out), Array.from(img.data));
});

test('a 2x downscale averages neighbouring pixels instead of skipping them', (t) => {
  const img = coordImage(8, 8);
  const out = new Float32Array(4 * 4 * 3);
  warpInto(img, rectAffine(0, 0, 8, 8, 4, 4), out, 0, 4, 4, RAW_RGB_NHWC);
  // Output pixel (1, 2) covers source x 2..3 and y 4..5: their mean is (2.5, 4.5).
  const i = (2 * 4 + 1) * 3;
  t.is(out[i], 2.5);
  t.is(out[i + 1], 4.5);
  t.is(out[i + 2], 7);
});

test('NCHW, BGR, normalisation and flip land in the right places', (t) => {
  const img = coordImage(4, 2);
  const out = new Float32Array(4 * 2 * 3);
  const fmt: TensorFormat = { layout: 'nchw', colour: 'bgr', mean: [1, 2, 3], std: [2, 2, 2] };
  warpInto(img, rectAffine(0, 0, 4, 2, 4, 2), out, 0, 4, 2, fmt, { flip: true });
  const plane = 8;
  // Output (0, 1) mirrors source (3, 1): B=7, G=1, R=3.
  const p = 1 * 4 + 0;
  t.is(out[p], (7 - 1) / 2);
  t.is(out[plane + p], (1 - 2) / 2);
  t.is(out[2 * plane + p], (3 - 3) / 2);
});

test('grayscale uses luma weights and writes one channel', (t) => {
  const img: RgbImage = { width: 1, height: 1, data: Uint8Array.from([255, 0, 0]) };
  const out = new Float32Array(2).fill(-9);
  const n = warpInto(img, rectAffine(0, 0, 1, 1, 1, 1), out, 0, 1, 1, { layout: 'nhwc', colour: 'gray', mean: [0], std: [1] });
  t.is(n, 1);
  t.true(Math.abs(out[0] - 0.2989 * 255) < 1e-3);
  t.is(out[1], -9);
});

test('outside the image reads the pad value', (t) => {
  const img = coordImage(4, 4);
  const out = new Float32Array(3);
  warpInto(img, rectAffine(100, 100, 1, 1, 1, 1), out, 0, 1, 1, RAW_RGB_NHWC, { pad: 55 });
  t.deepEqual(Array.from(out), [55, 55, 55]);
});

test('a rotated crop maps its centre to the face centre and its x axis along the eye line', (t) => {
  const m = rotatedAffine(100, 50, 40, Math.PI / 2, 20, 20);
  const c = applyAffine(m, 10, 10);
  t.true(Math.abs(c[0] - 100) < 1e-9 && Math.abs(c[1] - 50) < 1e-9);
  // One crop pixel to the right = 2 source pixels along the rotated (downward) axis.
  const r = applyAffine(m, 11, 10);
  t.true(Math.abs(r[0] - 100) < 1e-9 && Math.abs(r[1] - 52) < 1e-9);
});

test('letterbox keeps the aspect ratio and maps input pixels back to the frame', (t) => {
  const lb = letterbox(640, 320, 256, 256);
  t.is(lb.scale, 2.5);
  t.is(lb.padY, 64);
  t.is(lb.padX, 0);
  t.is(toFrameX(lb, 128), 320);
  t.is(toFrameY(lb, 64), 0);
  const [x, y] = applyAffine(lb.affine, 128, 192);
  t.is(x, 320);
  t.is(y, 320);
});

test('the axis-aligned fast path gives what the general (rotating) sampler gives', (t) => {
  // A noisy image, so any misplaced tap or weight shows.
  const w = 37,
    h = 23;
  const data = new Uint8Array(w * h * 3);
  let s = 12345;
  for (let i = 0; i < data.length; i++) data[i] = (s = (s * 1103515245 + 12345) >>> 0) >>> 24;
  const img: RgbImage = { width: w, height: h, data };
  const formats: TensorFormat[] = [RAW_RGB_NHWC, { layout: 'nchw', colour: 'bgr', mean: [10, 20, 30], std: [2, 3, 4] }, { layout: 'nhwc', colour: 'gray', mean: [127.5], std: [127.5] }];
  const cases = [
    { name: 'letterbox 2.5x down with padding', m: letterbox(w, h, 16, 16).affine, dw: 16, dh: 16 },
    { name: 'zoomed out 2x (more padding)', m: letterbox(w, h, 12, 12, 2).affine, dw: 12, dh: 12 },
    { name: 'upscale of a sub-rectangle', m: rectAffine(3.3, 2.1, 9, 7, 20, 15), dw: 20, dh: 15 },
    { name: 'partly outside the image', m: rectAffine(-5, -4, 30, 40, 10, 13), dw: 10, dh: 13 },
    { name: '4x down (16 taps)', m: rectAffine(0, 0, w, h, 9, 5), dw: 9, dh: 5 },
  ];
  for (const c of cases) {
    for (const fmt of formats) {
      for (const flip of [false, true]) {
        const n = c.dw * c.dh * (fmt.colour === 'gray' ? 1 : 3);
        const fast = new Float32Array(n);
        const general = new Float32Array(n);
        warpInto(img, c.m, fast, 0, c.dw, c.dh, fmt, { pad: 40, flip });
        // A shear far below a pixel over the whole output forces the general path.
        warpInto(img, { ...c.m, b: 1e-12 }, general, 0, c.dw, c.dh, fmt, { pad: 40, flip });
        let diff = 0;
        for (let i = 0; i < n; i++) diff = Math.max(diff, Math.abs(fast[i] - general[i]));
        t.true(diff < 1e-3, `${c.name}, ${fmt.layout}/${fmt.colour}, flip ${flip}: max diff ${diff}`);
      }
    }
  }
});
