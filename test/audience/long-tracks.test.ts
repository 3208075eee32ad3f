import test from 'ava';
import { createAgeBands } from '../../src/audience/age-bands.ts';
import { AGE_SAMPLE_CAPACITY, AgeSample } from '../../src/audience/age-sample.ts';
import { MAX_CONTENT_IDS, VisitAccumulator, type SummaryOptions } from '../../src/audience/visitor-summary.ts';
import { EMOTIONS } from '../../src/core/types.ts';
import { audience, BASE_WALL, script } from './helpers.ts';

// A face that never leaves (a poster, a cashier) must cost the same memory and summary time after a
// million frames as after a thousand, and its track is cut into visits of at most audience.maxVisitS.

const summaryOptions: SummaryOptions = { minAttentionS: 1, ageBands: createAgeBands([18, 25, 35, 45, 55, 65]), genderMinMargin: 0.3, emotion: true };
/** Everything a visit may hold beyond its fixed fields: age sample, content totals, one sum per emotion. */
const BOUND = AGE_SAMPLE_CAPACITY + MAX_CONTENT_IDS + EMOTIONS.length;

const happyProbs = { angry: 0, disgust: 0, fear: 0, happy: 0.75, sad: 0, surprise: 0, neutral: 0.25 };

test('a million frames of one face: retained samples stay bounded, summarize stays fast, the summary stays right', (t) => {
  const acc = new VisitAccumulator();
  const retained: number[] = [];
  for (let i = 0; i < 1_000_000; i++) {
    acc.observe({
      monoMs: i * 100,
      wallMs: BASE_WALL + i * 100,
      attentive: i % 2 === 0,
      // Ages cycle evenly over 20..40 (median 30); gender 0.9 male throughout (margin 0.8).
      attributes: { age: { years: 20 + (i % 21), low: 15 + (i % 21), high: 25 + (i % 21) }, gender: { label: 'male', p: 0.9 }, emotion: { label: 'happy', probs: happyProbs } },
      // A new content id every 1,000 frames: 1,000 of them over the run.
      contentId: `ad-${Math.floor(i / 1000)}`,
    });
    if ([999, 9_999, 99_999, 999_999].includes(i)) retained.push(acc.retainedSamples);
  }
  for (const n of retained) t.true(n <= BOUND, `${n} samples retained, bound ${BOUND}`);
  t.is(retained.length, 4);

  const times: number[] = [];
  let visit;
  for (let k = 0; k < 5; k++) {
    const t0 = performance.now();
    visit = acc.summarize(summaryOptions);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  // An unbounded summary sorted three million-entry arrays here (~400 ms); a bounded one sorts 512.
  t.true(times[2] < 25, `summarize took ${times[2].toFixed(1)} ms (median of 5)`);
  t.like(visit, { dwellS: 99_999.9, attentionS: 50_000, gender: 'male', ageBand: '25-34', dominantEmotion: 'happy', emotions: { happy: 0.75, neutral: 0.25 } });
  t.true(Math.abs(visit!.age!.years - 30) <= 1, `median age ${visit!.age!.years} from the sample, 30 over all frames`);
  t.true(Math.abs(visit!.age!.high - visit!.age!.low - 10) <= 1, JSON.stringify(visit!.age));
});

test('age sample: every estimate up to its capacity, then an evenly spaced sample of the whole visit', (t) => {
  const sample = new AgeSample(8);
  const add = (i: number) => sample.add({ years: i, low: i - 1, high: i + 1 });
  for (let i = 0; i < 8; i++) add(i);
  t.deepEqual(
    sample.values.map((a) => a.years),
    [0, 1, 2, 3, 4, 5, 6, 7],
  );
  for (let i = 8; i < 100; i++) add(i);
  const years = sample.values.map((a) => a.years);
  t.is(sample.count, 100);
  t.true(years.length <= 8 && years.length > 4, String(years));
  // Frames 0, 16, 32, …, 96: one every 16th, from the first frame to the last 16.
  t.deepEqual(years, [0, 16, 32, 48, 64, 80, 96]);
  t.deepEqual(sample.values[1], { years: 16, low: 15, high: 17 }, 'the three values of one frame stay together');
  t.throws(() => new AgeSample(7), { instanceOf: RangeError });
});

test('content ids: a visit keeps at most MAX_CONTENT_IDS attention totals, and still names the content watched longest', (t) => {
  const acc = new VisitAccumulator();
  let ms = 0;
  const frame = (contentId: string, attentive = true) => acc.observe({ monoMs: (ms += 100), wallMs: BASE_WALL + ms, attentive, contentId });
  // "main" is watched for 5 s first; then 500 contents go by, 0.2 s each.
  for (let i = 0; i < 50; i++) frame('main');
  for (let c = 0; c < 500; c++) for (let i = 0; i < 2; i++) frame(`flash-${c}`);
  frame('end');
  t.true(acc.retainedSamples <= MAX_CONTENT_IDS, `${acc.retainedSamples}`);
  t.is(acc.summarize(summaryOptions).contentId, 'main');
});

test('a track longer than audience.maxVisitS becomes consecutive visits that add up to it', async (t) => {
  const h = await audience('audience: { maxVisitS: 3 }');
  h.bus.emit('contentChanged', { contentId: 'menu' });
  // One still face, always looking, 0–5.0 s at 10 frames/s; adult male throughout.
  h.feed(script([{ from: 0, to: 5000, x0: 100, y0: 100, age: () => 40, gender: () => ({ label: 'male', p: 0.9 }) }], 7000));
  t.deepEqual(h.visitAt, [3000, 6600], 'the first visit ends at the frame 3 s after the track began, the second when the face left');
  t.deepEqual(
    h.visits.map((v) => [v.startedAt - BASE_WALL, v.endedAt - BASE_WALL, v.dwellS, v.attentionS, v.watcher, v.ageBand, v.gender, v.contentId]),
    [
      [0, 3000, 3, 3, true, '35-44', 'male', 'menu'],
      [3000, 5000, 2, 2, true, '35-44', 'male', 'menu'],
    ],
  );
  t.is((h.health.snapshot().audience as { cutVisits: number }).cutVisits, 1);
  await h.stop();
});

test('with the default maxVisitS of one hour, a face in view for 2 h 5 min is three visits', async (t) => {
  const h = await audience();
  t.is(h.config.audience.maxVisitS, 3600);
  // One frame a second keeps the run short; nothing else about the track changes.
  h.feed(script([{ from: 0, to: 7_500_000, x0: 100, y0: 100 }], 7_510_000, 1000));
  t.deepEqual(
    h.visits.map((v) => [v.startedAt - BASE_WALL, v.dwellS]),
    [
      [0, 3600],
      [3_600_000, 3600],
      [7_200_000, 300],
    ],
  );
  t.is(
    h.visits.reduce((s, v) => s + v.dwellS, 0),
    7500,
  );
  await h.stop();
});
