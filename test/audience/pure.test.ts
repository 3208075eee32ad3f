import test from 'ava';
import { createAgeBands } from '../../src/audience/age-bands.ts';
import { facingCamera, usableForAttributes } from '../../src/audience/attention.ts';
import { createRegionFilter, pointInPolygon } from '../../src/core/ignore-regions.ts';
import { LiveRate } from '../../src/audience/live-rate.ts';
import { Tracker } from '../../src/audience/tracker.ts';
import { dominant, genderVote, median, summarizeAge } from '../../src/audience/visitor-summary.ts';
import { ConfigError } from '../../src/core/errors.ts';

test('age bands: default labels, boundaries floor fractional ages, bad bounds name the key', (t) => {
  const bands = createAgeBands([18, 25, 35, 45, 55, 65]);
  t.deepEqual(bands.labels, ['0-17', '18-24', '25-34', '35-44', '45-54', '55-64', '65+']);
  t.is(bands.bandOf(17.99), '0-17');
  t.is(bands.bandOf(18), '18-24');
  t.is(bands.bandOf(64.5), '55-64');
  t.is(bands.bandOf(65), '65+');
  t.is(bands.bandOf(99), '65+');
  t.is(bands.bandOf(undefined), 'unknown');
  t.is(bands.bandOf(Number.NaN), 'unknown');
  t.deepEqual(createAgeBands([21]).labels, ['0-20', '21+']);
  const err = t.throws(() => createAgeBands([18, 30, 25]), { instanceOf: ConfigError });
  t.regex(err!.message, /audience\.ageBands.*30 then 25/);
});

test('ignore regions: centre of the box decides; concave polygons; none configured drops nothing', (t) => {
  const square = [
    [0, 0],
    [10, 0],
    [10, 10],
    [0, 10],
  ] as Array<[number, number]>;
  t.true(pointInPolygon(5, 5, square));
  t.false(pointInPolygon(15, 5, square));
  const u = [
    [0, 0],
    [30, 0],
    [30, 30],
    [20, 30],
    [20, 10],
    [10, 10],
    [10, 30],
    [0, 30],
  ] as Array<[number, number]>;
  t.true(pointInPolygon(5, 20, u));
  t.false(pointInPolygon(15, 20, u), 'inside the U’s gap');
  const inside = createRegionFilter([u]);
  t.true(inside({ x: 0, y: 15, width: 10, height: 10 }));
  t.false(inside({ x: 10, y: 15, width: 10, height: 10 }), 'box overlaps both arms but its centre is in the gap');
  t.false(createRegionFilter([])({ x: 0, y: 0, width: 5, height: 5 }));
});

test('attention and attribute gates', (t) => {
  const limits = { maxYawDeg: 30, maxPitchDeg: 25 };
  t.true(facingCamera({ yaw: -30, pitch: 25, roll: 80 }, limits));
  t.false(facingCamera({ yaw: 30.1, pitch: 0, roll: 0 }, limits));
  t.false(facingCamera({ yaw: 0, pitch: -26, roll: 0 }, limits));
  t.false(facingCamera(undefined, limits), 'no pose, no evidence of attention');
  const face = { box: { x: 0, y: 0, width: 39, height: 80 }, score: 1, landmarks: [], pose: { yaw: 0, pitch: 0, roll: 0 } };
  t.false(usableForAttributes(face, { ...limits, minFaceSize: 40 }), 'shorter side under minFaceSize');
  t.true(usableForAttributes({ ...face, box: { ...face.box, width: 40 } }, { ...limits, minFaceSize: 40 }));
});

test('summary maths: median, age interval, gender vote, dominant emotion', (t) => {
  t.is(median([3, 1, 2]), 2);
  t.is(median([4, 1, 3, 2]), 2.5);
  t.deepEqual(
    summarizeAge([
      { years: 30, low: 20, high: 40 },
      { years: 34, low: 28, high: 41 },
    ]),
    { years: 32, low: 24, high: 40.5 },
  );
  // margins: male 0.9 → +0.8, female 0.6 → −0.2, uncertain → 0: mean 0.2 < 0.3 → unknown
  t.is(genderVote([0.8, -0.2, 0], 0.3), 'unknown');
  t.is(genderVote([0.8, 0.8, -0.2], 0.3), 'male');
  t.is(genderVote([-0.4, -0.4], 0.3), 'female');
  t.is(genderVote([], 0.3), 'unknown');
  t.is(genderVote([0, 0], 0), 'unknown', 'a zero threshold still needs some evidence');
  t.is(dominant({ sad: 0.4, happy: 0.4, neutral: 0.2 }), 'happy', 'ties go to the earlier label (happy before sad)');
  t.is(dominant({}), 'unknown');
});

test('tracker: ids are random and unrelated between runs; a tentative track confirms after confirmFrames', (t) => {
  const make = () => new Tracker({ iouThreshold: 0.3, confirmFrames: 3, maxAbsenceMs: 1000 }, () => ({}));
  const a = make();
  const b = make();
  const box = { x: 10, y: 10, width: 50, height: 50 };
  const ua = a.update(0, [box]);
  const ub = b.update(0, [box]);
  t.regex(ua.assignments[0].track.id, /^[0-9a-f]{16}$/);
  t.not(ua.assignments[0].track.id, ub.assignments[0].track.id);
  t.deepEqual(a.update(100, [box]).confirmed, []);
  t.is(a.update(200, [box]).confirmed.length, 1);
  t.is(a.update(1200, []).ended.length, 0, 'exactly maxAbsenceMs absent: still open');
  t.is(a.update(1201, []).ended.length, 1);
});

test('tracker: constant-velocity prediction follows a fast face whose boxes do not overlap frame to frame', (t) => {
  const tracker = new Tracker({ iouThreshold: 0.3, confirmFrames: 2, maxAbsenceMs: 1000 }, () => ({}));
  // 60 px boxes moving 40 px per frame: consecutive boxes overlap with IoU 0.2 only, below the threshold.
  const at = (i: number) => ({ x: i * 40, y: 0, width: 60, height: 60 });
  tracker.update(0, [at(0)]);
  tracker.update(
    100,
    [at(1)].map((b) => ({ ...b, x: 20 })),
  ); // second sighting close enough to start the motion model
  const ids = new Set<string>();
  for (let i = 2; i < 10; i++) ids.add(tracker.update(i * 100, [{ ...at(i), x: 20 + (i - 1) * 40 }]).assignments[0].track.id);
  t.is(ids.size, 1, 'one track throughout');
  t.is(tracker.tracks.length, 1);
});

test('live rate: at most maxHz by frame time; fps measured between emissions; 0 disables', (t) => {
  const rate = new LiveRate(2);
  const emitted: Array<[number, number]> = [];
  for (let ms = 0; ms <= 2000; ms += 100) {
    const fps = rate.frame(ms);
    if (fps !== undefined) emitted.push([ms, fps]);
  }
  t.deepEqual(emitted, [
    [0, 0],
    [500, 10],
    [1000, 10],
    [1500, 10],
    [2000, 10],
  ]);
  const off = new LiveRate(0);
  t.is(off.frame(0), undefined);
  t.is(off.frame(1000), undefined);
});
