import test from 'ava';
import { genderResult, summarise } from '../../src/inference/face/attributes/age-gender.ts';
import { averageInto, canonical, emotionResult, toProbabilities } from '../../src/inference/face/attributes/emotion.ts';

test('logits become probabilities; a softmax output is left alone', (t) => {
  const logits = Float64Array.from([2, 0, -1]);
  toProbabilities(logits);
  t.true(Math.abs(logits.reduce((a, b) => a + b, 0) - 1) < 1e-9);
  t.true(logits[0] > logits[1] && logits[1] > logits[2]);
  const probs = Float64Array.from([0.7, 0.2, 0.1]);
  toProbabilities(probs);
  t.deepEqual(Array.from(probs), [0.7, 0.2, 0.1]);
});

test("top emotion under the threshold is 'uncertain', with the probabilities still reported", (t) => {
  const p = Float32Array.from([0.1, 0.05, 0.1, 0.25, 0.2, 0.1, 0.2]);
  const r = emotionResult(p, 0, 0.3);
  t.is(r.label, 'uncertain');
  t.is(r.probs.happy, 0.25);
  t.is(emotionResult(p, 0, 0.2).label, 'happy');
});

test('ensemble averaging and label spellings from other datasets', (t) => {
  const a = Float32Array.from([1, 0]);
  averageInto(a, [Float32Array.from([0, 1])]);
  t.deepEqual(Array.from(a), [0.5, 0.5]);
  t.is(canonical('Fearful'), 'fear');
  t.is(canonical('happiness'), 'happy');
});

test('age summary: mean and 10th-90th percentile range of the age distribution', (t) => {
  const d = new Float64Array(100);
  d[30] = 0.5;
  d[40] = 0.5;
  const s = summarise(d);
  t.is(s.mean, 35);
  t.is(s.low, 30);
  t.is(s.high, 40);
});

test("gender: probability of the chosen label; under the threshold it is 'uncertain'", (t) => {
  t.deepEqual(genderResult(0.9, 0.6), { label: 'male', p: 0.9 });
  t.deepEqual(genderResult(0.2, 0.6), { label: 'female', p: 0.8 });
  t.deepEqual(genderResult(0.55, 0.6), { label: 'uncertain', p: 0.55 });
});
