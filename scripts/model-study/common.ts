// Shared helpers for the model-selection study: TFJS (pure JS + WASM) setup, a file-reading
// IO handler for graph models (tfjs' fetch cannot read file://), image decoding with sharp,
// argument parsing and a latency probe. Evaluation-only code: nothing here runs in the daemon.
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import sharp from 'sharp';

const require = createRequire(import.meta.url);
// face-api's node-wasm bundle requires @tensorflow/tfjs + tfjs-backend-wasm itself; taking `tf` from the
// same CommonJS module cache guarantees one engine (one backend registry) for graph and face-api models.
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');
export const tf: typeof import('@tensorflow/tfjs') = faceapi.tf;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');

export type Tensor4D = import('@tensorflow/tfjs').Tensor4D;
export type GraphModel = import('@tensorflow/tfjs').GraphModel;

/** Select the WASM backend (10-20x faster than tfjs' pure-JS CPU kernels) with its binaries from node_modules. */
export async function initTf(backend = 'wasm'): Promise<string> {
  if (backend === 'wasm') {
    const dist = `${join(packageDir('@tensorflow/tfjs-backend-wasm'), 'dist')}/`;
    wasm.setWasmPaths(dist);
  }
  await tf.setBackend(backend);
  await tf.ready();
  return tf.getBackend();
}

/** Load a TFJS graph model (model.json + weight shards) from disk through a custom IO handler. */
export async function loadGraph(jsonPath: string): Promise<GraphModel> {
  const json = JSON.parse(await readFile(jsonPath, 'utf8'));
  const specs: unknown[] = [];
  const buffers: Buffer[] = [];
  for (const group of json.weightsManifest) {
    specs.push(...group.weights);
    for (const p of group.paths) buffers.push(await readFile(join(dirname(jsonPath), p)));
  }
  const all = Buffer.concat(buffers);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  return tf.loadGraphModel({
    load: async () => ({
      modelTopology: json.modelTopology,
      weightSpecs: specs as never,
      weightData,
      format: json.format,
      generatedBy: json.generatedBy,
      convertedBy: json.convertedBy,
      signature: json.signature,
      userDefinedMetadata: json.userDefinedMetadata,
    }),
  });
}

/** Decode a JPEG/PNG to packed RGB (grayscale files are expanded to 3 equal channels). */
export async function decodeRgb(path: string): Promise<{ data: Uint8Array; width: number; height: number }> {
  const { data, info } = await sharp(path).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  if (info.channels === 3) return { data, width: info.width, height: info.height };
  const out = new Uint8Array(info.width * info.height * 3);
  for (let i = 0, n = info.width * info.height; i < n; i++) {
    const v = data[i * info.channels];
    out[i * 3] = v;
    out[i * 3 + 1] = v;
    out[i * 3 + 2] = v;
  }
  return { data: out, width: info.width, height: info.height };
}

/** Stack same-sized RGB images into a float32 [N,H,W,3] tensor in 0..1 (the range human's face crops arrive in). */
export function toBatch01(images: { data: Uint8Array; width: number; height: number }[]): Tensor4D {
  const { width, height } = images[0];
  const buf = new Float32Array(images.length * width * height * 3);
  images.forEach((im, k) => {
    if (im.width !== width || im.height !== height) throw new Error(`image ${k} is ${im.width}x${im.height}, batch is ${width}x${height}`);
    const off = k * width * height * 3;
    for (let i = 0; i < im.data.length; i++) buf[off + i] = im.data[i] / 255;
  });
  return tf.tensor4d(buf, [images.length, height, width, 3]);
}

/**
 * Crop box [top, left, bottom, right] in normalised coordinates, applied with cropAndResize
 * (bilinear, zero fill outside the image, like tf.image.crop_and_resize).
 */
export type Box = [number, number, number, number];
export function cropResize(x: Tensor4D, box: Box | null, size: [number, number]): Tensor4D {
  if (!box || (box[0] === 0 && box[1] === 0 && box[2] === 1 && box[3] === 1)) return tf.image.resizeBilinear(x, size, false);
  const n = x.shape[0];
  const boxes = tf.tensor2d(
    Array.from({ length: n }, () => box),
    [n, 4],
  );
  const idx = tf.tensor1d(
    Array.from({ length: n }, (_, i) => i),
    'int32',
  );
  const out = tf.image.cropAndResize(x, boxes, idx, size, 'bilinear', 0);
  boxes.dispose();
  idx.dispose();
  return out;
}

export function flipH(x: Tensor4D): Tensor4D {
  return tf.reverse(x, 2) as Tensor4D;
}

export function parseArgs(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument "${a}" (flags are --name value)`);
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) out[a.slice(2)] = 'true';
    else {
      out[a.slice(2)] = next;
      i++;
    }
  }
  return out;
}

/** Median wall time (ms) of `fn` after warm-up; bounded so it never runs long on a shared 2-core box. */
export async function medianMs(fn: () => Promise<void>, runs = 30): Promise<number> {
  for (let i = 0; i < 3; i++) await fn();
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    await fn();
    t.push(performance.now() - s);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)];
}

/** Folder of an installed package (works when its "exports" hide package.json). */
export function packageDir(name: string): string {
  let dir = dirname(require.resolve(name));
  for (let i = 0; i < 6; i++) {
    try {
      if (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name === name) return dir;
    } catch {
      /* keep walking up */
    }
    dir = dirname(dir);
  }
  throw new Error(`cannot locate the folder of package ${name}`);
}

export function pct(x: number): string {
  return (100 * x).toFixed(2);
}
