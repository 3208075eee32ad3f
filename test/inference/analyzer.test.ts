import test from 'ava';
import { EMOTIONS } from '../../src/core/types.ts';
import { createAnalyzer, type Analyzer } from '../../src/inference/analyzer.ts';
import { decodeImageFile } from '../../src/tools/media/image-file.ts';
import type { RgbImage } from '../../src/inference/image/warp.ts';
import { inferenceConfig, privacyConfig, quietLog } from './helpers/analyzer.ts';
import { demo } from './helpers/bad-images.ts';

// The real converted models (models/*.onnx, built by `npm ci`) on real photos.
// Face counts were made by a person looking at each photo: every face is visible and frontal enough.
const PEOPLE: Record<number, number> = { 1: 3, 2: 3, 3: 3, 4: 4, 5: 5, 6: 4 };

let analyzer: Analyzer;
const images = new Map<number, RgbImage>();

test.before(async () => {
  analyzer = await createAnalyzer(inferenceConfig(), privacyConfig(), quietLog);
  for (const n of Object.keys(PEOPLE).map(Number)) images.set(n, await decodeImageFile(demo(n)));
});

test.after.always(async () => {
  await analyzer?.close();
});

for (const [n, people] of Object.entries(PEOPLE)) {
  test.serial(`sample${n}.jpg: finds exactly the ${people} faces a person counts, with attributes in range`, async (t) => {
    const img = images.get(Number(n))!;
    const { faces, timingsMs } = await analyzer.analyzeTimed(img);
    t.is(faces.length, people);
    t.deepEqual(Object.keys(timingsMs).sort(), ['agegender', 'blazeface', 'emotion', 'facemesh']);
    for (const f of faces) {
      t.true(f.box.x >= -f.box.width / 2 && f.box.y >= -f.box.height / 2 && f.box.x + f.box.width <= img.width + f.box.width / 2);
      t.true(f.box.width >= 100 && f.box.width <= 400, `face width ${f.box.width}`);
      t.true(f.score >= 0.6 && f.score <= 1);
      t.is(f.landmarks.length, 5);
      // Eyes above the mouth, right eye (image left) left of the left eye, all inside the box area.
      const [re, le, , mr, ml] = f.landmarks;
      t.true(re[0] < le[0] && re[1] < mr[1] && le[1] < ml[1]);
      for (const v of [f.pose!.yaw, f.pose!.pitch, f.pose!.roll]) t.true(Math.abs(v) <= 90);
      const probs = Object.values(f.emotion!.probs);
      t.deepEqual(Object.keys(f.emotion!.probs), [...EMOTIONS]);
      t.true(Math.abs(probs.reduce((a, b) => a + b, 0) - 1) < 0.01);
      t.true([...EMOTIONS, 'uncertain'].includes(f.emotion!.label));
      t.true(f.age!.years >= 10 && f.age!.years <= 60, `age ${f.age!.years}`);
      t.true(f.age!.low <= f.age!.years && f.age!.years <= f.age!.high);
      t.true(['male', 'female', 'uncertain'].includes(f.gender!.label));
      t.true(f.gender!.p >= 0.5 && f.gender!.p <= 1);
    }
  });
}

test.serial('identical results on repeated runs (buffers reused, nothing carried over between frames)', async (t) => {
  const a = await analyzer.analyze(images.get(5)!);
  await analyzer.analyze(images.get(1)!); // a different frame in between must not leak into the next
  const b = await analyzer.analyze(images.get(5)!);
  t.deepEqual(b, a);
});

test.serial('a mirrored photo reads mirrored head yaw and roll', async (t) => {
  const img = images.get(3)!;
  const flipped = new Uint8Array(img.data.length);
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const s = (y * img.width + x) * 3;
      const d = (y * img.width + (img.width - 1 - x)) * 3;
      flipped[d] = img.data[s];
      flipped[d + 1] = img.data[s + 1];
      flipped[d + 2] = img.data[s + 2];
    }
  }
  const a = await analyzer.analyze(img);
  const b = await analyzer.analyze({ width: img.width, height: img.height, data: flipped });
  t.is(b.length, a.length);
  for (const fa of a) {
    const cx = img.width - (fa.box.x + fa.box.width / 2);
    const fb = b.find((f) => Math.abs(f.box.x + f.box.width / 2 - cx) < 20)!;
    t.truthy(fb);
    t.true(Math.abs(fa.pose!.yaw + fb.pose!.yaw) < 8, `yaw ${fa.pose!.yaw} vs ${fb.pose!.yaw}`);
    t.true(Math.abs(fa.pose!.roll + fb.pose!.roll) < 8, `roll ${fa.pose!.roll} vs ${fb.pose!.roll}`);
    t.true(Math.abs(fa.pose!.pitch - fb.pose!.pitch) < 8);
  }
});

test.serial('a frame with no face gives no faces; a wrong-sized buffer is refused', async (t) => {
  t.deepEqual(await analyzer.analyze({ width: 320, height: 240, data: new Uint8Array(320 * 240 * 3).fill(90) }), []);
  await t.throwsAsync(analyzer.analyze({ width: 320, height: 240, data: new Uint8Array(10) }), { message: /needs 230400 bytes/ });
});
