import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import * as ort from 'onnxruntime-node';
import { buildModels, findHumanPackage } from '../../../../src/build/models/build.ts';
import type { Manifest } from '../../../../src/inference/runtime/manifest.ts';

/**
 * Real inputs for the parity tests: the built models (built here if missing — the build skips
 * models that are up to date) and face crops from @vladmandic/face-api's demo photos, found with
 * the converted BlazeFace and cut out with sharp.
 */
export const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
export const MODELS_DIR = join(REPO, 'models');
export const PHOTOS = [1, 2, 3].map((i) => join(REPO, 'node_modules/@vladmandic/face-api/demo', `sample${i}.jpg`));

let built: Promise<unknown> | undefined;
export function ensureBuiltModels(): Promise<unknown> {
  built ??= buildModels({ modelsDir: MODELS_DIR });
  return built;
}

export function humanModelsDir(): string {
  const dir = findHumanPackage();
  if (!dir) throw new Error('@vladmandic/human is not installed');
  return join(dir, 'models');
}

export interface Rgb {
  width: number;
  height: number;
  data: Uint8Array;
}

/** The photo letterboxed into size×size at the top-left (black padding), and the scale used. */
export async function letterbox(photo: string, size: number): Promise<{ image: Rgb; scale: number }> {
  const meta = await sharp(photo).metadata();
  const scale = size / Math.max(meta.width!, meta.height!);
  const { data, info } = await sharp(photo)
    .resize(size, size, { fit: 'contain', position: 'left top', background: { r: 0, g: 0, b: 0 } })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { image: { width: info.width, height: info.height, data: new Uint8Array(data) }, scale };
}

/** NHWC float tensor for a manifest: (pixel − mean) / std per channel; gray uses ITU-R 601 luma (as human does). */
export function toTensor(images: Rgb[], m: Manifest): Float32Array {
  const gray = m.input.colour === 'gray';
  const ch = gray ? 1 : 3;
  const per = m.input.width * m.input.height * ch;
  const out = new Float32Array(images.length * per);
  images.forEach((img, n) => {
    for (let p = 0; p < img.width * img.height; p++) {
      const [r, g, b] = [img.data[p * 3], img.data[p * 3 + 1], img.data[p * 3 + 2]];
      const px = gray ? [0.2989 * r + 0.587 * g + 0.114 * b] : m.input.colour === 'bgr' ? [b, g, r] : [r, g, b];
      for (let c = 0; c < ch; c++) out[n * per + p * ch + c] = (px[c] - m.input.mean[c % m.input.mean.length]) / m.input.std[c % m.input.std.length];
    }
  });
  return out;
}

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
  score: number;
}

/**
 * The strongest BlazeFace detection in a photo, in photo pixels. Minimal decoding: anchors at
 * strides 16 (2 per cell) and 32 (6 per cell), box = regression + anchor centre.
 */
export async function strongestFace(session: ort.InferenceSession, photo: string, manifest: Manifest): Promise<Box> {
  const size = manifest.input.width;
  const { image, scale } = await letterbox(photo, size);
  const out = await session.run({ [manifest.input.name]: new ort.Tensor('float32', toTensor([image], manifest), [1, size, size, 3]) });
  const anchors: Array<[number, number]> = [];
  for (const [stride, per] of [
    [16, 2],
    [32, 6],
  ]) {
    for (let gy = 0; gy < size / stride; gy++) for (let gx = 0; gx < size / stride; gx++) for (let k = 0; k < per; k++) anchors.push([(gx + 0.5) * stride, (gy + 0.5) * stride]);
  }
  const logits = [...(out.logits_16.data as Float32Array), ...(out.logits_32.data as Float32Array)];
  const regs = new Float32Array([...(out.boxes_16.data as Float32Array), ...(out.boxes_32.data as Float32Array)]);
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
  const [ax, ay] = anchors[best];
  const [cx, cy, w, h] = [regs[best * 16] + ax, regs[best * 16 + 1] + ay, regs[best * 16 + 2], regs[best * 16 + 3]];
  return { x: (cx - w / 2) / scale, y: (cy - h / 2) / scale, w: w / scale, h: h / scale, score: 1 / (1 + Math.exp(-logits[best])) };
}

/** A square crop around the box (margin × its larger side), resized to size×size. */
export async function crop(photo: string, box: Box, size: number, margin = 1.4): Promise<Rgb> {
  const meta = await sharp(photo).metadata();
  const side = Math.max(box.w, box.h) * margin;
  const left = Math.max(0, Math.round(box.x + box.w / 2 - side / 2));
  const top = Math.max(0, Math.round(box.y + box.h / 2 - side / 2));
  const width = Math.min(meta.width! - left, Math.round(side));
  const height = Math.min(meta.height! - top, Math.round(side));
  const { data, info } = await sharp(photo).extract({ left, top, width, height }).resize(size, size, { fit: 'fill' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data) };
}

export async function readJson<T>(file: string): Promise<T> {
  return JSON.parse(await readFile(file, 'utf8')) as T;
}
