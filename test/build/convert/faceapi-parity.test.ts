import test from 'ava';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { loadManifest } from '../../../src/inference/runtime/manifest.ts';
import { readFaceApiModel } from '../../../src/build/convert/faceapi/reader.ts';
import { crop, ensureBuiltModels, MODELS_DIR, PHOTOS, strongestFace, toTensor } from './support/models.ts';
import { maxAbsDiff, seeded, tf } from './support/tfjs.ts';

/**
 * face-api's AgeGenderNet has no graph in its package: Glance writes the architecture down
 * (src/inference/convert/faceapi). This checks that transcription against face-api's own forward
 * pass (its JS code on the same tfjs CPU backend and the same weights), on seeded random crops and
 * real face crops from the demo photos: age within 1e-4 of its scale (max |age|), gender
 * probabilities within 1e-4.
 */
const require = createRequire(import.meta.url);
const FACEAPI_MODEL = join(require.resolve('@vladmandic/face-api/package.json'), '..', 'model');

interface FaceApi {
  AgeGenderNet: new () => {
    loadFromDisk(path: string): Promise<void>;
    forwardInput(input: unknown): { age: import('@tensorflow/tfjs').Tensor; gender: import('@tensorflow/tfjs').Tensor };
  };
  NetInput: new (inputs: unknown[], treatAsBatch?: boolean) => unknown;
}

test('agegender: ONNX Runtime matches face-api AgeGenderNet on random input and face crops', async (t) => {
  await ensureBuiltModels();
  // face-api's wasm build takes tfjs from the installed @tensorflow/tfjs: the CPU backend set by support/tfjs.
  const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApi;
  const net = new faceapi.AgeGenderNet();
  await net.loadFromDisk(join(FACEAPI_MODEL, 'age_gender_model-weights_manifest.json'));

  const m = loadManifest(join(MODELS_DIR, 'agegender.json'));
  const det = loadManifest(join(MODELS_DIR, 'blazeface.json'));
  const session = await ort.InferenceSession.create(join(MODELS_DIR, 'agegender.onnx'), { logSeverityLevel: 3 });
  const detector = await ort.InferenceSession.create(join(MODELS_DIR, 'blazeface.onnx'), { logSeverityLevel: 3 });
  t.teardown(async () => {
    await session.release();
    await detector.release();
  });

  // Pixels 0..255: face-api normalises them itself; the ONNX model takes the manifest's normalisation.
  const rand = seeded(7);
  const pixels: Float32Array[] = [Float32Array.from(rand(112 * 112 * 3, 0, 255), Math.round)];
  for (const photo of PHOTOS) {
    const face = await crop(photo, await strongestFace(detector, photo, det), 112, 1.3);
    pixels.push(Float32Array.from(face.data));
  }
  const n = pixels.length;
  const batch = new Float32Array(n * 112 * 112 * 3);
  pixels.forEach((p, i) => batch.set(p, i * p.length));

  const x = tf.tensor4d(batch, [n, 112, 112, 3]);
  const ref = net.forwardInput(new faceapi.NetInput(tf.unstack(x), true));
  const refAge = (await ref.age.data()) as Float32Array;
  const refGender = (await ref.gender.data()) as Float32Array;
  x.dispose();
  ref.age.dispose();
  ref.gender.dispose();

  const normalised = toTensor(
    pixels.map((p) => ({ width: 112, height: 112, data: Uint8Array.from(p) })),
    m,
  );
  const out = await session.run({ [m.input.name]: new ort.Tensor('float32', normalised, [n, 112, 112, 3]) });
  const age = out.age.data as Float32Array;
  const gender = out.gender.data as Float32Array;
  t.deepEqual([...out.age.dims], [n, 1]);
  t.deepEqual([...out.gender.dims], [n, 2]);
  const ageDiff = maxAbsDiff(age, refAge);
  const genderDiff = maxAbsDiff(gender, refGender);
  t.log(`ages face-api ${[...refAge].map((a) => a.toFixed(1)).join(' ')}; max |diff| age ${ageDiff.toExponential(2)} y, gender ${genderDiff.toExponential(2)}`);
  t.true(ageDiff <= 1e-4 * Math.max(1, ...[...refAge].map(Math.abs)), `age differs by ${ageDiff} years`);
  t.true(genderDiff <= 1e-4, `gender probabilities differ by ${genderDiff}`);
  // Real faces give plausible adult ages: a transcription error typically gives a constant or wild age.
  for (let i = 1; i < n; i++) t.true(refAge[i] > 10 && refAge[i] < 80, `sample${i}: face-api age ${refAge[i]}`);
});

test('reading a face-api manifest without a known architecture names the problem', async (t) => {
  const err = await t.throwsAsync(readFaceApiModel(join(FACEAPI_MODEL, 'face_expression_model-weights_manifest.json')));
  t.regex(err!.message, /no face-api architecture known for "face_expression_model" \(known: age_gender_model\)/);
});

test('a face-api manifest that does not fit the architecture names the weight', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'glance-faceapi-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const manifestFile = join(FACEAPI_MODEL, 'age_gender_model-weights_manifest.json');
  const groups = JSON.parse(readFileSync(manifestFile, 'utf8')) as Array<{ paths: string[]; weights: Array<{ name: string }> }>;
  for (const g of groups) for (const p of g.paths) copyFileSync(join(FACEAPI_MODEL, p), join(dir, p));
  const target = join(dir, 'age_gender_model-weights_manifest.json');

  const missing = structuredClone(groups);
  missing[0].weights = missing[0].weights.filter((w) => w.name !== 'fc/gender/bias');
  writeFileSync(target, JSON.stringify(missing));
  let err = await t.throwsAsync(readFaceApiModel(target));
  t.regex(err!.message, /"fc\/gender\/bias" is missing from the weights manifest/);

  const renamed = structuredClone(groups);
  renamed[0].weights.find((w) => w.name === 'fc/gender/bias')!.name = 'fc/extra/bias';
  writeFileSync(target, JSON.stringify(renamed));
  err = await t.throwsAsync(readFaceApiModel(target));
  t.regex(err!.message, /fc\/gender\/bias|fc\/extra\/bias/);
});
