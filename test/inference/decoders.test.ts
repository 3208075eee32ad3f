import test from 'ava';
import { resolveDescriptor } from '../../src/inference/runtime/descriptor.ts';
import { BlazeFaceDetector, blazefaceAnchors } from '../../src/inference/face/detectors/blazeface.ts';
import { UltraFaceDetector } from '../../src/inference/face/detectors/ultraface.ts';
import { YuNetDetector } from '../../src/inference/face/detectors/yunet.ts';
import type { ModelRunner, TensorData } from '../../src/inference/runtime/model-runner.ts';

// The decoders are tested on hand-made model outputs (the runtime is the edge here); the real models
// on real faces are covered in analyzer.test.ts.
function fakeRunner(outputs: Record<string, TensorData>, seen: TensorData[] = []): ModelRunner {
  return {
    name: 'fake',
    provider: 'cpu',
    inputNames: ['input'],
    outputNames: Object.keys(outputs),
    inputShapes: {},
    async run(feeds) {
      seen.push(...Object.values(feeds));
      return outputs;
    },
    async close() {},
  };
}

const frame = (w: number, h: number) => ({ width: w, height: h, data: new Uint8Array(w * h * 3) });
const opts = { threshold: 0.5, nmsIou: 0.3, maxFaces: 10 };

test('BlazeFace anchors: 512 at stride 16 then 384 at stride 32, centred in their cells', (t) => {
  const a = blazefaceAnchors(256);
  t.is(a.length / 2, 896);
  t.deepEqual([a[0], a[1], a[2], a[3]], [8, 8, 8, 8]);
  t.deepEqual([a[512 * 2], a[512 * 2 + 1]], [16, 16]);
});

test('BlazeFace decodes box, keypoints and score from the four split outputs, in frame pixels', async (t) => {
  const cls16 = new Float32Array(512).fill(-10);
  const cls32 = new Float32Array(384).fill(-10);
  const reg16 = new Float32Array(512 * 16);
  const reg32 = new Float32Array(384 * 16);
  const i = (3 * 16 + 5) * 2; // cell (5, 3) at stride 16: anchor (88, 56)
  cls16[i] = 2;
  reg16.set([2, -1, 40, 40, -10, -5, 10, -5, 0, 5, 0, 12, -18, 0, 18, 0], i * 16);
  const seen: TensorData[] = [];
  const det = new BlazeFaceDetector(
    fakeRunner({ a: { data: reg32, dims: [1, 384, 16] }, b: { data: cls16, dims: [1, 512, 1] }, c: { data: reg16, dims: [1, 512, 16] }, d: { data: cls32, dims: [1, 384, 1] } }, seen),
    resolveDescriptor('blazeface', '/nowhere'),
  );
  const out = await det.detect(frame(512, 512), opts);
  t.is(out.length, 1);
  const d = out[0];
  t.deepEqual([d.x1, d.y1, d.x2, d.y2], [140, 70, 220, 150]);
  t.true(Math.abs(d.score - 1 / (1 + Math.exp(-2))) < 1e-6);
  t.deepEqual(d.points[0], [(88 - 10) * 2, (56 - 5) * 2]); // right eye
  t.deepEqual(d.points[1], [(88 + 10) * 2, (56 - 5) * 2]); // left eye
  t.is(d.points.length, 6);
  // Input is NHWC 256x256 scaled to [-1, 1]: a black frame reads -1.
  t.deepEqual(seen[0].dims, [1, 256, 256, 3]);
  t.is(seen[0].data[0], -1);
});

test('YuNet decodes stride grids, sqrt(cls*obj) score and 5 keypoints', async (t) => {
  const outputs: Record<string, TensorData> = {};
  for (const s of [8, 16, 32]) {
    const n = (320 / s) * (320 / s);
    outputs[`cls_${s}`] = { data: new Float32Array(n), dims: [1, n, 1] };
    outputs[`obj_${s}`] = { data: new Float32Array(n), dims: [1, n, 1] };
    outputs[`bbox_${s}`] = { data: new Float32Array(n * 4), dims: [1, n, 4] };
    outputs[`kps_${s}`] = { data: new Float32Array(n * 10), dims: [1, n, 10] };
  }
  const i = 2 * 10 + 4; // stride 32, row 2, col 4
  outputs.cls_32.data[i] = 0.9;
  outputs.obj_32.data[i] = 0.9;
  outputs.bbox_32.data.set([0.5, 0.5, Math.log(2), Math.log(3)], i * 4);
  outputs.kps_32.data.set([0.25, 0.25, 0.75, 0.25, 0.5, 0.5, 0.3, 0.8, 0.7, 0.8], i * 10);
  const seen: TensorData[] = [];
  const det = new YuNetDetector(fakeRunner(outputs, seen), resolveDescriptor('yunet:/x/yunet.onnx', '/nowhere'));
  const out = await det.detect(frame(320, 320), opts);
  t.is(out.length, 1);
  const d = out[0];
  t.true(Math.abs(d.score - 0.9) < 1e-6);
  // centre (4.5 * 32, 2.5 * 32) = (144, 80); size 64 x 96
  t.deepEqual([d.x1, d.y1, d.x2, d.y2], [112, 32, 176, 128]);
  t.deepEqual(d.points[0], [(4 + 0.25) * 32, (2 + 0.25) * 32]);
  t.deepEqual(seen[0].dims, [1, 3, 320, 320]);
});

test('UltraFace thresholds the face column and scales normalised corners to the frame', async (t) => {
  const scores = new Float32Array(4420 * 2);
  const boxes = new Float32Array(4420 * 4);
  for (let i = 0; i < 4420; i++) scores[i * 2] = 1;
  scores[7 * 2] = 0.05;
  scores[7 * 2 + 1] = 0.95;
  boxes.set([0.25, 0.25, 0.5, 0.75], 7 * 4);
  const det = new UltraFaceDetector(fakeRunner({ scores: { data: scores, dims: [1, 4420, 2] }, boxes: { data: boxes, dims: [1, 4420, 4] } }), resolveDescriptor('ultraface:/x/u.onnx', '/nowhere'));
  const out = await det.detect(frame(640, 480), opts);
  t.is(out.length, 1);
  t.deepEqual([out[0].x1, out[0].y1, out[0].x2, out[0].y2], [160, 120, 320, 360]);
  t.deepEqual(out[0].points, []);
});

test('YuNet rounds a dynamic input size up to the stride-32 grid and feeds the manifest input name', async (t) => {
  const base = resolveDescriptor('yunet:/x/yunet.onnx', '/nowhere');
  const desc = { ...base, input: { ...base.input, name: 'image', width: 300, height: 200 } };
  const outputs: Record<string, TensorData> = {};
  for (const s of [8, 16, 32]) {
    const n = (320 / s) * (224 / s);
    for (const [k, per] of [
      ['cls', 1],
      ['obj', 1],
      ['bbox', 4],
      ['kps', 10],
    ] as const)
      outputs[`${k}_${s}`] = { data: new Float32Array(n * per), dims: [1, n, per] };
  }
  const fed: string[] = [];
  const seen: TensorData[] = [];
  const runner = fakeRunner(outputs, seen);
  const det = new YuNetDetector({ ...runner, run: async (feeds) => (fed.push(...Object.keys(feeds)), runner.run(feeds)) }, desc);
  t.deepEqual(await det.detect(frame(640, 480), opts), []);
  t.deepEqual(fed, ['image']);
  t.deepEqual(seen[0].dims, [1, 3, 224, 320]);
});

test('a detector feeds the layout its descriptor gives (a BlazeFace export taking NCHW)', async (t) => {
  const seen: TensorData[] = [];
  const blaze = resolveDescriptor('blazeface', '/nowhere');
  const nchw = new BlazeFaceDetector(fakeRunner({ x: { data: new Float32Array(896 * 17), dims: [1, 896, 17] } }, seen), { ...blaze, input: { ...blaze.input, layout: 'nchw' } });
  await nchw.detect(frame(100, 100), opts);
  t.deepEqual(seen[0].dims, [1, 3, 256, 256]);
  t.is(seen[0].data.length, 3 * 256 * 256);
});
