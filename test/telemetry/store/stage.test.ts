import test from 'ava';
import { parseConfig } from '../../../src/config/load.ts';
import { EventBus } from '../../../src/core/bus.ts';
import { HealthRegistry } from '../../../src/core/health.ts';
import type { FrameFaces, GlanceEvents, MinuteClosed } from '../../../src/core/types.ts';
import { StoreStage } from '../../../src/telemetry/store/stage.ts';
import { AudienceStage } from '../../../src/audience/stage.ts';
import { quietLogger, script, BASE_WALL } from '../../audience/helpers.ts';
import { rows, T0, MIN, tempDir, visit } from './helpers.ts';

function frame(wallMs: number, faces = 0): FrameFaces {
  const face = { box: { x: 0, y: 0, width: 50, height: 50 }, score: 1, landmarks: [] };
  return { seq: 0, monoMs: wallMs, wallMs, width: 640, height: 360, faces: Array.from({ length: faces }, () => face), timingsMs: {} };
}

async function stage(t: Parameters<typeof tempDir>[0], yaml = '', extra: { now?: () => number; tickMs?: number; dir?: string } = {}) {
  const dir = extra.dir ?? tempDir(t);
  const config = parseConfig(yaml);
  config.storage.dataDir = dir;
  const { log, lines } = quietLogger();
  const bus = new EventBus<GlanceEvents>(log);
  const health = new HealthRegistry();
  const s = new StoreStage({ config: config.storage, privacy: config.privacy, log, bus, health, closeDelayMs: 10_000, now: extra.now, tickMs: extra.tickMs });
  const closed: MinuteClosed[] = [];
  bus.on('minuteClosed', (m) => closed.push(m));
  await s.start(new AbortController().signal);
  return { dir, bus, health, stage: s, closed, lines, config };
}

test('minutes close once their close delay has passed (frame time), each emitted once, the open one flushed at stop', async (t) => {
  const h = await stage(t, 'privacy: { kAnonymity: 1 }');
  t.truthy(h.stage.store);
  h.bus.emit('faces', frame(T0 + 1000, 2));
  h.bus.emit('visit', visit(T0 + 59_000));
  h.bus.emit('faces', frame(T0 + MIN + 9_999, 1)); // 12:00 ends at 12:01:00, + 10 s delay: not yet
  t.deepEqual(h.closed, []);
  h.bus.emit('visit', visit(T0 + 59_500)); // a late visit still lands in its minute
  h.bus.emit('faces', frame(T0 + MIN + 10_000, 0));
  t.deepEqual(
    h.closed.map((c) => [c.minute, c.totals]),
    [['2025-01-01T12:00:00Z', { frames: 1, faces: 2, passersBy: 2, watchers: 2, dwellS: 8, attentionS: 3 }]],
  );
  h.bus.emit('faces', frame(T0 + MIN + 20_000, 0));
  t.is(h.closed.length, 1, 'nothing more to close');
  const probe = h.health.snapshot().store as Record<string, unknown>;
  t.like(probe, { open: true, lastClosedMinute: '2025-01-01T12:00:00.000Z', openMinutes: 1, writeErrors: 0 });
  t.true((probe.sizeBytes as number) > 0);
  t.true((probe.diskFreeBytes as number) > 0);

  await h.stage.stop();
  t.deepEqual(
    h.closed.map((c) => c.minute),
    ['2025-01-01T12:00:00Z', '2025-01-01T12:01:00Z'],
  );
  t.is(h.stage.store, undefined);
  t.false('store' in h.health.snapshot());
  t.deepEqual(rows(h.dir, 'SELECT minute, frames, faces FROM minute_counters ORDER BY minute'), [
    { minute: T0 / 1000, frames: 1, faces: 2 },
    { minute: T0 / 1000 + 60, frames: 3, faces: 1 },
  ]);
  t.is(h.bus.listenerCount('faces'), 0);
});

test('with no frames (camera down) the timer still closes minutes by the clock', async (t) => {
  let now = T0 + 5000;
  const h = await stage(t, '', { now: () => now, tickMs: 20 });
  t.teardown(() => h.stage.stop());
  h.bus.emit('visit', visit(T0 + 1000));
  now = T0 + MIN + 10_000;
  const deadline = Date.now() + 5000;
  while (h.closed.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  t.deepEqual(
    h.closed.map((c) => c.minute),
    ['2025-01-01T12:00:00Z'],
  );
});

test('retention runs at start', async (t) => {
  const dir = tempDir(t);
  const old = await stage(t, '', { dir, now: () => T0 });
  old.bus.emit('visit', visit(T0 - 100 * 86_400_000));
  await old.stage.stop();
  t.is(rows(dir, 'SELECT count(*) AS n FROM minute_counters')[0].n, 1);
  const h = await stage(t, 'privacy: { retentionDays: 90 }', { dir, now: () => T0 });
  await h.stage.stop();
  t.is(rows(dir, 'SELECT count(*) AS n FROM minute_counters')[0].n, 0);
  t.regex(h.lines(), /retention: old data deleted/);
});

test('audience → store on a scripted walk-by: the stored minute matches the visit exactly', async (t) => {
  const h = await stage(t, 'privacy: { kAnonymity: 1 }');
  const config = parseConfig('');
  const { log } = quietLogger();
  const audience = new AudienceStage({ config: config.audience, privacy: config.privacy, log, bus: h.bus, health: h.health });
  await audience.start();
  const visits: unknown[] = [];
  h.bus.on('visit', (v) => visits.push(v));
  h.bus.emit('contentChanged', { contentId: 'menu-board' });
  const frames = script([{ from: 1000, to: 6000, x0: 100, y0: 100, vx: 20, yaw: (ms) => (ms >= 2000 && ms < 5000 ? 0 : 60), age: () => 40, gender: () => ({ label: 'female', p: 0.8 }) }], 8000);
  for (const f of frames) h.bus.emit('faces', f);
  // Stop in app order (audience before store): the store flushes what the audience reported.
  await audience.stop();
  await h.stage.stop();
  t.is(visits.length, 1);
  t.deepEqual(rows(h.dir, 'SELECT minute, frames, faces FROM minute_counters'), [{ minute: BASE_WALL / 1000, frames: 81, faces: 51 }]);
  t.deepEqual(rows(h.dir, 'SELECT age_band, gender, emotion, content_id, passers_by, watchers, dwell_s, attention_s FROM minute_aggregates'), [
    { age_band: '35-44', gender: 'female', emotion: 'unknown', content_id: 'menu-board', passers_by: 1, watchers: 1, dwell_s: 5, attention_s: 3 },
  ]);
});

test('emotion disabled: the store writes no emotion even if a visit carries one', async (t) => {
  const h = await stage(t, 'privacy: { emotion: false, kAnonymity: 1 }');
  h.bus.emit('visit', visit(T0, { dominantEmotion: 'sad', emotions: { sad: 1 } }));
  await h.stage.stop();
  t.deepEqual(rows(h.dir, 'SELECT DISTINCT emotion FROM minute_aggregates'), [{ emotion: 'unknown' }]);
});
