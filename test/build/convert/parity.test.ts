import test from 'ava';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { BUILTIN_MODELS } from '../../../src/build/models/builtin.ts';
import { loadManifest, type Manifest } from '../../../src/inference/runtime/manifest.ts';
import { readTfjsModel, type TfjsModelJson } from '../../../src/build/convert/tfjs-reader.ts';
import { crop, ensureBuiltModels, humanModelsDir, letterbox, MODELS_DIR, PHOTOS, strongestFace, toTensor, type Rgb } from './support/models.ts';
import { loadTfjs, maxAbs, maxAbsDiff, runTfjs, seeded } from './support/tfjs.ts';

/**
 * Parity of the four converted models with TensorFlow.js on the same TFJS files: seeded random
 * inputs and real face crops from the face-api demo photos. Tolerance: max |onnx − tfjs| ≤ 1e-4 ×
 * the output's scale (max |tfjs output|, at least 1 — outputs are probabilities, logits or pixel
 * coordinates), 1e-3 for models stored as float16. Both sides dequantise float16 to the same
 * float32 weights, so the difference measures the conversion, not the storage format.
 */

interface Setup {
  manifests: Record<string, Manifest>;
  sessions: Record<string, ort.InferenceSession>;
  crops: Record<number, Rgb[]>;
}

const setup: Promise<Setup> = (async () => {
  await ensureBuiltModels();
  const manifests: Record<string, Manifest> = {};
  const sessions: Record<string, ort.InferenceSession> = {};
  for (const m of BUILTIN_MODELS) {
    manifests[m.name] = loadManifest(join(MODELS_DIR, `${m.name}.json`));
    sessions[m.name] = await ort.InferenceSession.create(join(MODELS_DIR, `${m.name}.onnx`), { logSeverityLevel: 3 });
  }
  const boxes = await Promise.all(PHOTOS.map((p) => strongestFace(sessions.blazeface, p, manifests.blazeface)));
  for (const b of boxes) if (b.score < 0.8) throw new Error(`demo photo without a clear face (score ${b.score})`);
  const crops: Record<number, Rgb[]> = {};
  for (const size of [64, 192, 224]) crops[size] = await Promise.all(PHOTOS.map((p, i) => crop(p, boxes[i], size)));
  return { manifests, sessions, crops };
})();

async function compare(t: import('ava').ExecutionContext, name: string, inputs: Array<{ label: string; data: Float32Array; batch: number }>): Promise<void> {
  const { manifests, sessions } = await setup;
  const spec = BUILTIN_MODELS.find((m) => m.name === name)!;
  const src = await readTfjsModel(join(humanModelsDir(), spec.source.replace(/^models\//, '')));
  const float16 = [...src.weights.values()].some((w) => w.storedAs === 'float16');
  const tolerance = float16 ? 1e-3 : 1e-4;
  const json = JSON.parse(await readFile(join(humanModelsDir(), spec.source.replace(/^models\//, '')), 'utf8')) as TfjsModelJson;
  const weights = Buffer.concat(await Promise.all(json.weightsManifest.flatMap((g) => g.paths.map((p) => readFile(join(humanModelsDir(), p))))));
  const model = await loadTfjs(json, weights);
  const placeholder = src.nodes.find((n) => n.op === 'Placeholder')!.name;
  const m = manifests[name];
  const tfOutputs = Object.keys(spec.outputs);
  for (const input of inputs) {
    const shape = [input.batch, m.input.height, m.input.width, m.input.colour === 'gray' ? 1 : 3];
    const ref = runTfjs(model, placeholder, input.data, shape, tfOutputs);
    const got = await sessions[name].run({ [m.input.name]: new ort.Tensor('float32', input.data, shape) });
    tfOutputs.forEach((tfName, k) => {
      const out = got[spec.outputs[tfName].name];
      t.deepEqual([...out.dims], ref[k].shape, `${name} ${input.label} ${tfName}: shape`);
      const diff = maxAbsDiff(out.data as Float32Array, ref[k].data);
      const scale = Math.max(1, maxAbs(ref[k].data));
      t.log(`${input.label} ${spec.outputs[tfName].name}: max abs diff ${diff.toExponential(2)} (scale ${scale.toFixed(1)}, limit ${(tolerance * scale).toExponential(1)})`);
      t.true(diff <= tolerance * scale, `${name} ${input.label} ${spec.outputs[tfName].name}: max abs diff ${diff} > ${tolerance} × ${scale}`);
    });
  }
  model.dispose();
}

const random = (seed: number, n: number, lo: number, hi: number) => seeded(seed)(n, lo, hi);

test('blazeface: ONNX Runtime matches tfjs on random input and on the demo photos', async (t) => {
  const { manifests } = await setup;
  const m = manifests.blazeface;
  const photos = await Promise.all(PHOTOS.map((p) => letterbox(p, 256)));
  await compare(t, 'blazeface', [{ label: 'random', data: random(1, 256 * 256 * 3, -1, 1), batch: 1 }, ...photos.map((p, i) => ({ label: `sample${i + 1}`, data: toTensor([p.image], m), batch: 1 }))]);
});

for (const [name, size] of [
  ['facemesh', 192],
  ['emotion', 64],
  ['faceres', 224],
] as const) {
  test(`${name}: ONNX Runtime matches tfjs on random input and on face crops (batch ${PHOTOS.length + 1})`, async (t) => {
    const { manifests, crops } = await setup;
    const m = manifests[name];
    const ch = m.input.colour === 'gray' ? 1 : 3;
    // One batch: a seeded random item in the model's input range, then the real crops.
    const lo = (0 - m.input.mean[0]) / m.input.std[0];
    const hi = (255 - m.input.mean[0]) / m.input.std[0];
    const rnd = random(2, size * size * ch, lo, hi);
    const real = toTensor(crops[size], m);
    const batch = new Float32Array(rnd.length + real.length);
    batch.set(rnd);
    batch.set(real, rnd.length);
    await compare(t, name, [{ label: `random+${PHOTOS.length} crops`, data: batch, batch: PHOTOS.length + 1 }]);
  });
}

test('the face crops are faces: facemesh scores them as faces', async (t) => {
  const { manifests, sessions, crops } = await setup;
  const m = manifests.facemesh;
  const out = await sessions.facemesh.run({ input: new ort.Tensor('float32', toTensor(crops[192], m), [PHOTOS.length, 192, 192, 3]) });
  for (const [i, p] of [...(out.faceflag.data as Float32Array)].entries()) t.true(p > 0.5, `sample${i + 1}: face probability ${p}`);
});
