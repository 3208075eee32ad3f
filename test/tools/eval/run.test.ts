import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'ava';
import sharp from 'sharp';
import { runEval } from '../../../src/tools/eval/run.ts';
import { demo } from '../../inference/helpers/bad-images.ts';

// The eval commands end to end on a tiny labelled set made from the demo photos (no ../shared needed).
const quiet = () => {};

test('eval emotion --cropped writes JSON, Markdown and a confusion PNG; a bad layout exits 2', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'glance-eval-'));
  const data = path.join(dir, 'data');
  // Face crops cut from sample3 (three smiling women) filed under "happy", grey squares under "neutral".
  mkdirSync(path.join(data, 'happy'), { recursive: true });
  mkdirSync(path.join(data, 'neutral'), { recursive: true });
  for (const [i, box] of [
    [590, 384, 203],
    [1065, 258, 248],
    [1467, 355, 205],
  ].entries()) {
    await sharp(demo(3))
      .extract({ left: box[0], top: box[1], width: box[2], height: box[2] })
      .resize(48, 48)
      .greyscale()
      .toFile(path.join(data, 'happy', `${i}.jpg`));
  }
  await sharp({ create: { width: 48, height: 48, channels: 3, background: '#777' } })
    .jpeg()
    .toFile(path.join(data, 'neutral', 'grey.jpg'));
  const out = path.join(dir, 'out');
  t.is(await runEval('emotion', { data, cropped: true, out } as never, '/dev/null', quiet), 0);
  const json = JSON.parse(readFileSync(path.join(out, 'emotion.json'), 'utf8'));
  t.is(json.n, 4);
  t.is(json.perClass.happy.n, 3);
  t.true(json.perClass.happy.recall >= 2 / 3, `happy recall ${json.perClass.happy.recall}`);
  t.regex(readFileSync(path.join(out, 'emotion.md'), 'utf8'), /accuracy \*\*\d+\.\d\d%\*\* on 4 images/);
  t.is((await sharp(path.join(out, 'emotion-confusion.png')).metadata()).format, 'png');

  mkdirSync(path.join(data, 'bored'));
  t.is(await runEval('emotion', { data, cropped: true, out } as never, '/dev/null', quiet), 2);
});

test('eval detect: recall, precision and false positives against a boxes CSV', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'glance-eval-'));
  const data = path.join(dir, 'imgs');
  mkdirSync(data);
  await sharp(demo(3)).resize(960).toFile(path.join(data, 'group.jpg'));
  await sharp({ create: { width: 400, height: 300, channels: 3, background: '#3a6' } })
    .jpeg()
    .toFile(path.join(data, 'wall.jpg'));
  // The three faces of sample3 at half scale, plus one face that is not there (a miss).
  const boxes = ['file,left,top,width,height,ignore', 'group.jpg,295,192,101,101,0', 'group.jpg,532,129,124,124,0', 'group.jpg,733,177,102,102,0', 'group.jpg,10,10,60,60,0'];
  writeFileSync(path.join(dir, 'boxes.csv'), `${boxes.join('\n')}\n`);
  const out = path.join(dir, 'out');
  const code = await runEval('detect', { data, boxes: path.join(dir, 'boxes.csv'), negatives: ['wall.jpg'], iou: '0.4', minSize: '20', out } as never, '/dev/null', quiet);
  t.is(code, 0);
  const r = JSON.parse(readFileSync(path.join(out, 'detect.json'), 'utf8'));
  t.is(r.positives, 4);
  t.is(r.truePositives, 3);
  t.is(r.recall, 0.75);
  t.is(r.negatives['wall.jpg'], 0);
  t.true(existsSync(path.join(out, 'detect.md')));
  t.is(await runEval('detect', { data, boxes: path.join(dir, 'nope.csv'), out } as never, '/dev/null', quiet), 2);
});
