import test from 'ava';
import sharp from 'sharp';
import { confusionPng } from '../../../src/tools/eval/confusion-png.ts';
import { accuracy, ageBand, ageBandLabels, ageGenderCell, averagePrecision, confusion, matchImage, perClassRecall } from '../../../src/tools/eval/metrics.ts';

test('confusion matrix, accuracy and per-class recall', (t) => {
  const c = confusion(['a', 'b'], ['a', 'a', 'b', 'b'], ['a', 'b', 'b', 'b']);
  t.deepEqual(c.matrix, [
    [1, 1],
    [0, 2],
  ]);
  t.is(accuracy(c), 0.75);
  t.deepEqual(perClassRecall(c), { a: { recall: 0.5, n: 2 }, b: { recall: 1, n: 2 } });
  t.throws(() => confusion(['a'], ['a'], ['z']), { message: /unknown predicted label "z"/ });
});

test('age bands follow the audience config bounds', (t) => {
  t.deepEqual(ageBandLabels([18, 25]), ['0-17', '18-24', '25+']);
  t.is(ageBand(17.9, [18, 25]), '0-17');
  t.is(ageBand(18, [18, 25]), '18-24');
  t.is(ageBand(80, [18, 25]), '25+');
  const cell = ageGenderCell(
    [
      { age: 20, gender: 'male', predAge: 23, pMale: 0.8 },
      { age: 40, gender: 'female', predAge: 30, pMale: 0.7 },
    ],
    [18, 25],
  );
  t.is(cell.mae, 6.5);
  t.is(cell.within5, 0.5);
  t.is(cell.bandAccuracy, 1);
  t.is(cell.genderAccuracy, 0.5);
});

test('detection matching: one match per box, ignored boxes neither count nor penalise', (t) => {
  const gts = [
    { x: 0, y: 0, width: 10, height: 10, ignore: false },
    { x: 100, y: 100, width: 10, height: 10, ignore: true },
  ];
  const dets = [
    { x: 0, y: 0, width: 10, height: 10, score: 0.9 },
    { x: 1, y: 1, width: 10, height: 10, score: 0.8 }, // duplicate of the first: a false positive
    { x: 100, y: 100, width: 10, height: 10, score: 0.7 }, // on an ignored box
    { x: 300, y: 300, width: 10, height: 10, score: 0.6 },
  ];
  const r = matchImage(gts, dets, 0.4);
  t.deepEqual(r.outcomes, ['tp', 'fp', 'ignored', 'fp']);
  t.is(r.positives, 1);
});

test('average precision: perfect ranking is 1, a false positive ranked first costs precision', (t) => {
  t.is(
    averagePrecision(
      [
        { score: 0.9, tp: true },
        { score: 0.8, tp: true },
      ],
      2,
    ),
    1,
  );
  t.is(
    averagePrecision(
      [
        { score: 0.9, tp: false },
        { score: 0.8, tp: true },
      ],
      1,
    ),
    0.5,
  );
  t.is(averagePrecision([{ score: 0.9, tp: true }], 2), 0.5);
});

test('confusion PNG is a real PNG sized to the number of classes', async (t) => {
  const png = await confusionPng(confusion(['angry', 'happy', 'sad'], ['angry', 'happy', 'sad'], ['angry', 'happy', 'happy']));
  const meta = await sharp(png).metadata();
  t.is(meta.format, 'png');
  t.true(meta.width! > 3 * 56 && meta.width === meta.height);
});
