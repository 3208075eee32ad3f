import test from 'ava';
import { audience, BASE_WALL, script } from './helpers.ts';

// Scripted detection sequences at 10 frames/s (100 ms apart) with exact expected visits. Defaults:
// confirmFrames 3, maxAbsenceMs 1500, attention |yaw| ≤ 30 and |pitch| ≤ 25, watcher at ≥ 1 s.

test('one person walks in, looks at the screen for 3 s, leaves: one visit with exact metrics', async (t) => {
  const h = await audience();
  h.bus.emit('contentChanged', { contentId: 'spring-sale' });
  // Visible 1.0–6.0 s (51 frames), walking right at 20 px/s; facing the screen from 2.0 s to 5.0 s.
  const looking = (ms: number) => ms >= 2000 && ms < 5000;
  const frames = script(
    [
      {
        from: 1000,
        to: 6000,
        x0: 100,
        y0: 100,
        vx: 20,
        yaw: (ms) => (looking(ms) ? 5 : 60),
        // Profile frames report nonsense on purpose: they must not reach the summary.
        age: (ms, i) => (looking(ms) ? [30, 31, 35][i % 3] : 70),
        gender: (ms) => (looking(ms) ? { label: 'male', p: 0.9 } : { label: 'female', p: 0.99 }),
        emotion: (ms) => (looking(ms) ? { happy: 0.7, neutral: 0.3 } : { angry: 1 }),
      },
    ],
    8000,
  );
  h.feed(frames.filter((f) => f.wallMs - BASE_WALL <= 7500));
  t.is(h.visits.length, 0, 'still within maxAbsenceMs of the last sighting at 6.0 s');
  h.feed(frames.filter((f) => f.wallMs - BASE_WALL > 7500));
  t.deepEqual(h.visitAt, [7600], 'ends at the first frame more than 1500 ms after the last sighting');
  t.deepEqual(h.visits[0], {
    startedAt: BASE_WALL + 1000,
    endedAt: BASE_WALL + 6000,
    dwellS: 5,
    attentionS: 3,
    watcher: true,
    age: { years: 31, low: 26, high: 36 },
    ageBand: '25-34',
    gender: 'male',
    emotions: { happy: 0.7, neutral: 0.3 },
    dominantEmotion: 'happy',
    contentId: 'spring-sale',
  });
  const probe = h.health.snapshot().audience as Record<string, unknown>;
  t.is(probe.visits, 1);
  t.is(probe.watchers, 1);
  t.is(probe.tracksInView, 0);

  // Live views: at most 2 per second of frame time, people only once confirmed, watching as scripted.
  t.true(h.lives.length <= 17 && h.lives.length >= 15, `${h.lives.length} live views over 8 s`);
  for (let i = 1; i < h.lives.length; i++) t.true(h.lives[i].wallMs - h.lives[i - 1].wallMs >= 500);
  const at = (ms: number) => h.lives.find((l) => l.wallMs === BASE_WALL + ms);
  t.deepEqual(at(500)?.people, []);
  t.deepEqual(
    at(3000)?.people.map((p) => p.watching),
    [true],
  );
  t.deepEqual(
    at(5500)?.people.map((p) => p.watching),
    [false],
  );
  t.deepEqual(at(7000)?.people, [], 'a coasting (unseen) track is not shown as in view');
  t.is(at(3000)?.fps, 10);
  await h.stop();
  t.is(h.visits.length, 1, 'stop does not emit an already ended track again');
});

test('two people crossing keep their own tracks: attention and attributes do not swap', async (t) => {
  // Attention needs |yaw| ≤ 20, attributes accept up to 30: B (yaw 25) gives attributes but never looks.
  const h = await audience('audience: { attentionMaxYawDeg: 20, attributeMaxYawDeg: 30 }');
  const frames = script(
    [
      // A walks right, B walks left 10 px lower; they meet at x = 300 at 3.0 s, B hidden behind A 2.8–3.2 s.
      { from: 0, to: 6000, x0: 0, y0: 100, vx: 100, size: 60, yaw: () => 0, age: () => 24, gender: () => ({ label: 'male', p: 0.95 }) },
      {
        from: 0,
        to: 6000,
        x0: 600,
        y0: 110,
        vx: -100,
        size: 60,
        missing: [[2800, 3200]],
        yaw: () => 25,
        age: () => 60,
        gender: () => ({ label: 'female', p: 0.95 }),
      },
    ],
    8000,
  );
  h.feed(frames);
  t.is(h.visits.length, 2);
  const [a, b] = [...h.visits].sort((x, y) => y.attentionS - x.attentionS);
  t.like(a, { dwellS: 6, attentionS: 6, watcher: true, ageBand: '18-24', gender: 'male', age: { years: 24, low: 19, high: 29 } });
  t.like(b, { dwellS: 6, attentionS: 0, watcher: false, ageBand: '55-64', gender: 'female', age: { years: 60, low: 55, high: 65 } });
  await h.stop();
});

test('detections missing for a few frames keep one visit; a longer gap makes two; flickers are not people', async (t) => {
  const h = await audience();
  const frames = script(
    [
      // Still, always looking; not detected 1.0–1.4 s (5 frames, 500 ms < maxAbsenceMs).
      { from: 0, to: 3000, x0: 100, y0: 100, missing: [[1000, 1400]] },
      // Seen 0–1.0 s, then unseen 1.1–2.8 s (1.9 s > maxAbsenceMs), then 2.9–4.0 s: two visits.
      { from: 0, to: 4000, x0: 400, y0: 100, yaw: () => 60, missing: [[1100, 2800]] },
      // A one-frame and a two-frame false detection: fewer than confirmFrames, never people.
      { from: 500, to: 500, x0: 250, y0: 250 },
      { from: 2000, to: 2100, x0: 250, y0: 250 },
    ],
    7000,
  );
  h.feed(frames);
  const visits = [...h.visits].sort((x, y) => x.startedAt - y.startedAt || x.dwellS - y.dwellS);
  t.deepEqual(
    visits.map((v) => [v.startedAt - BASE_WALL, v.endedAt - BASE_WALL, v.dwellS, v.attentionS, v.watcher]),
    [
      [0, 1000, 1, 0, false],
      [0, 3000, 3, 3, true], // the 500 ms gap is held at the state seen before it (attentive)
      [2900, 4000, 1.1, 0, false],
    ],
  );
  t.deepEqual(h.visitAt, [2600, 4600, 5600]);
  await h.stop();
});

test('a face inside an ignore region is never tracked, counted or shown; a face beside it is', async (t) => {
  // Staff area: the right part of the frame behind a counter (a concave L-shape, to exercise the polygon test).
  const h = await audience('privacy: { ignoreRegions: [[[400, 0], [640, 0], [640, 360], [500, 360], [500, 200], [400, 200]]] }');
  const frames = script(
    [
      { from: 0, to: 5000, x0: 450, y0: 50, size: 60, age: () => 40 }, // centre (480, 80): inside, staff
      { from: 0, to: 5000, x0: 420, y0: 250, size: 60, age: () => 30 }, // centre (450, 280): in the notch, outside
      { from: 0, to: 2000, x0: 100, y0: 100, size: 60, age: () => 20 }, // far from the region
    ],
    7000,
  );
  h.feed(frames);
  t.is(h.visits.length, 2);
  t.deepEqual(h.visits.map((v) => v.ageBand).sort(), ['18-24', '25-34']);
  for (const live of h.lives) for (const p of live.people) t.false(p.box.x === 450 && p.box.y === 50, 'staff face shown live');
  t.is((h.health.snapshot().audience as { ignoredFaces: number }).ignoredFaces, 51);
  await h.stop();
});

test('emotion disabled: visits carry no emotion even if a face arrives with one', async (t) => {
  const h = await audience('privacy: { emotion: false }');
  h.feed(script([{ from: 0, to: 3000, x0: 100, y0: 100, age: () => 50, emotion: () => ({ sad: 0.9, neutral: 0.1 }) }], 5000));
  t.is(h.visits.length, 1);
  t.deepEqual(h.visits[0].emotions, {});
  t.is(h.visits[0].dominantEmotion, 'unknown');
  t.is(h.visits[0].ageBand, '45-54');
  await h.stop();
});

test('stop ends open tracks so the people in view are counted; tentative tracks are not', async (t) => {
  const h = await audience();
  h.feed(
    script(
      [
        { from: 0, to: 2000, x0: 100, y0: 100 },
        { from: 1900, to: 2000, x0: 400, y0: 100 }, // only 2 frames: tentative
      ],
      2000,
    ),
  );
  t.is(h.visits.length, 0);
  await h.stop();
  t.is(h.visits.length, 1);
  t.like(h.visits[0], { dwellS: 2, attentionS: 2, endedAt: BASE_WALL + 2000 });
  t.false('audience' in h.health.snapshot(), 'health probe removed at stop');
});

test('frames out of order are ignored rather than running tracks backwards', async (t) => {
  const h = await audience();
  const frames = script([{ from: 0, to: 2000, x0: 100, y0: 100 }], 2000);
  h.feed([...frames.slice(0, 10), frames[3], ...frames.slice(10)]);
  t.like(h.health.snapshot().audience as object, { outOfOrderFrames: 1, frames: 21 });
  await h.stop();
  t.is(h.visits.length, 1);
  t.is(h.visits[0].dwellS, 2);
});

test('stop releases the stage’s bus listeners and leaves everyone else’s', async (t) => {
  const h = await audience();
  t.is(h.bus.listenerCount('faces'), 1);
  t.is(h.bus.listenerCount('contentChanged'), 1);
  await h.stop();
  t.is(h.bus.listenerCount('faces'), 0);
  t.is(h.bus.listenerCount('contentChanged'), 0);
  t.is(h.bus.listenerCount('visit'), 1, 'the test’s own visit listener is still there');
  h.feed(script([{ from: 0, to: 3000, x0: 100, y0: 100 }], 5000));
  t.is(h.visits.length, 0, 'a stopped stage tracks nothing');
});
