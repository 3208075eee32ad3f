import { mkdtempSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'ava';
import { createAnalyzer } from '../../src/inference/analyzer.ts';
import { decodeImageFile } from '../../src/tools/media/image-file.ts';
import { inferenceConfig, privacyConfig, quietLog } from './helpers/analyzer.ts';
import { demo } from './helpers/bad-images.ts';
import { ResourceError } from '../../src/core/errors.ts';

test('privacy.emotion false: the emotion model is never loaded and no face carries an emotion', async (t) => {
  const a = await createAnalyzer(inferenceConfig(), privacyConfig({ emotion: false }), quietLog);
  try {
    t.false(a.models.some((m) => m.task === 'emotion'));
    const faces = await a.analyze(await decodeImageFile(demo(3)));
    t.is(faces.length, 3);
    for (const f of faces) {
      t.is(f.emotion, undefined);
      t.truthy(f.age);
    }
  } finally {
    await a.close();
  }
});

test('faces inside an ignore region are dropped; faces under minFaceSize get no attributes', async (t) => {
  const img = await decodeImageFile(demo(5));
  const base = await createAnalyzer(inferenceConfig(), privacyConfig(), quietLog);
  const all = await base.analyze(img);
  await base.close();
  t.is(all.length, 5);
  // A polygon around the first face's centre only.
  const f = all[0];
  const cx = f.box.x + f.box.width / 2;
  const cy = f.box.y + f.box.height / 2;
  const region: Array<[number, number]> = [
    [cx - 20, cy - 20],
    [cx + 20, cy - 20],
    [cx + 20, cy + 20],
    [cx - 20, cy + 20],
  ];
  const masked = await createAnalyzer(inferenceConfig(), privacyConfig({ ignoreRegions: [region] }), quietLog);
  const kept = await masked.analyze(img);
  await masked.close();
  t.is(kept.length, 4);
  t.false(kept.some((k) => Math.abs(k.box.x - f.box.x) < 1 && Math.abs(k.box.y - f.box.y) < 1));

  const big = await createAnalyzer(inferenceConfig(), privacyConfig({ minFaceSize: 10_000 }), quietLog);
  const small = await big.analyze(img);
  await big.close();
  t.is(small.length, 5);
  for (const s of small) {
    t.is(s.emotion, undefined);
    t.is(s.age, undefined);
    t.is(s.gender, undefined);
    t.truthy(s.pose); // geometry is not an attribute: attention still needs it
  }
});

test('a missing, empty or corrupt model is a ResourceError naming the file', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'glance-models-'));
  for (const name of ['blazeface', 'facemesh', 'emotion', 'agegender']) copyFileSync(path.resolve('models', `${name}.json`), path.join(dir, `${name}.json`));
  // blazeface.onnx missing entirely
  let err = await t.throwsAsync(createAnalyzer(inferenceConfig({ modelsDir: dir }), privacyConfig(), quietLog), { instanceOf: ResourceError });
  t.regex(err!.message, /blazeface\.onnx/);
  writeFileSync(path.join(dir, 'blazeface.onnx'), Buffer.alloc(0));
  err = await t.throwsAsync(createAnalyzer(inferenceConfig({ modelsDir: dir }), privacyConfig(), quietLog), { instanceOf: ResourceError });
  t.regex(err!.message, /blazeface\.onnx/);
  writeFileSync(path.join(dir, 'blazeface.onnx'), Buffer.from('this is not a protobuf model at all'));
  err = await t.throwsAsync(createAnalyzer(inferenceConfig({ modelsDir: dir }), privacyConfig(), quietLog), { instanceOf: ResourceError });
  t.regex(err!.message, /blazeface\.onnx/);
  err = await t.throwsAsync(createAnalyzer(inferenceConfig({ detector: path.join(dir, 'nope.json') }), privacyConfig(), quietLog), { instanceOf: ResourceError });
  t.regex(err!.message, /nope\.json/);
});
