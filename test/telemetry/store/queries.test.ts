import { utimesSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { applyKAnonymity } from '../../../src/telemetry/store/k-anonymity.ts';
import { openStore, privacy, rows, T0, MIN, tempDir, visit } from './helpers.ts';

const DAY_MS = 86_400_000;
import type { Visit } from '../../../src/core/types.ts';

const cell = (key: string, passersBy: number) => ({ key, passersBy, watchers: 0, dwellS: passersBy, attentionS: 0 });
const other = (s: { passersBy: number; watchers: number; dwellS: number; attentionS: number }) => ({ key: 'other', ...s });

test('k-anonymity: small cells merge into other; a small other takes the smallest cells with it; all small → nothing', (t) => {
  t.deepEqual(applyKAnonymity([cell('a', 7), cell('c', 3), cell('d', 3)], 5, other), [cell('a', 7), cell('other', 6)]);
  // c+d = 3 < 5: b (6, the smallest big cell) joins so that other cannot be recovered by subtraction.
  t.deepEqual(applyKAnonymity([cell('a', 7), cell('b', 6), cell('c', 2), cell('d', 1)], 5, other), [cell('a', 7), cell('other', 9)]);
  t.deepEqual(applyKAnonymity([cell('a', 2), cell('b', 2)], 5, other), []);
  t.deepEqual(applyKAnonymity([cell('a', 5), cell('b', 9)], 5, other), [cell('a', 5), cell('b', 9)], 'exactly k is enough');
  t.deepEqual(applyKAnonymity([cell('a', 1)], 1, other), [cell('a', 1)], 'k = 1 disables it');
});

/** Visits for a day: content and gender spread so that some cells are under k = 5. Asked the next day. */
async function seeded(t: Parameters<typeof tempDir>[0]) {
  const dir = tempDir(t);
  const store = await openStore(dir, privacy('{ kAnonymity: 5 }'), () => T0 + DAY_MS);
  t.teardown(() => store.close());
  const add = (n: number, at: number, over: Partial<Visit>) => {
    for (let i = 0; i < n; i++) store.recordVisit(visit(at + i, over));
  };
  // 12:00–12:59: promo-a 7 female 25-34 watchers; promo-b 6 male 35-44 non-watchers; promo-c 2; no content 1.
  add(7, T0, { contentId: 'promo-a' });
  add(6, T0 + 10 * MIN, { contentId: 'promo-b', gender: 'male', ageBand: '35-44', watcher: false, attentionS: 0.2 });
  add(2, T0 + 20 * MIN, { contentId: 'promo-c', gender: 'male', ageBand: '65+' });
  add(1, T0 + 30 * MIN, { contentId: null, gender: 'unknown', ageBand: 'unknown' });
  // 13:00: 3 more female promo-a.
  add(3, T0 + 60 * MIN, { contentId: 'promo-a' });
  for (let i = 0; i < 10; i++) store.recordFrame({ wallMs: T0 + i * 1000, faces: 1 });
  store.closeMinutes();
  return { dir, store };
}

test('summary: totals exact, breakdowns k-anonymized per period and summed, conversion and means', async (t) => {
  const { store } = await seeded(t);
  const s = store.summary({ from: new Date(T0), to: new Date(T0 + 120 * MIN) });
  t.like(s, { passersBy: 19, watchers: 13, frames: 10, faces: 10, dwellS: 76, kAnonymity: 5 });
  t.is(s.attentionS, 13 * 1.5 + 6 * 0.2);
  t.is(s.conversion, 0.6842);
  t.is(s.attentionMeanS, 1.59);
  t.is(s.dwellMeanS, 4);
  t.like(s, { breakdownPeriodS: 3600, breakdownFrom: '2025-01-01T12:00:00Z', breakdownTo: '2025-01-01T14:00:00Z' });
  // k applies within each hour, then the hours are added up. 12:00: promo-a 7, promo-b 6 visible;
  // promo-c (2) + none (1) = 3 < 5 → promo-b joins: other 9. 13:00: promo-a 3 alone is under k and
  // suppressed in its hour (over the whole range it was 10 before: per-range k-anonymity is gone).
  t.deepEqual(
    s.byContent.map((c) => [c.contentId, c.passersBy]),
    [
      ['promo-a', 7],
      ['other', 9],
    ],
  );
  // 12:00: 25-34 female 7, 35-44 male 6, 65+ male 2, unknown 1: the last two (3) take 35-44 male along.
  t.deepEqual(
    s.byAgeGender.map((c) => [c.ageBand, c.gender, c.passersBy]),
    [
      ['25-34', 'female', 7],
      ['other', 'other', 9],
    ],
  );
  const none = store.summary({ from: T0 - 10 * MIN, to: T0 });
  t.like(none, { passersBy: 0, watchers: 0, conversion: null, attentionMeanS: null, dwellMeanS: null, byContent: [], byAgeGender: [] });
  t.throws(() => store.summary({ from: T0, to: T0 }), { instanceOf: RangeError, message: /from .* must be before to/ });
});

test('a range is narrowed to the whole periods inside it: the part-hours count in totals only', async (t) => {
  const { store } = await seeded(t);
  const s = store.summary({ from: T0 + 5 * MIN, to: T0 + 120 * MIN });
  t.like(s, { passersBy: 12, breakdownFrom: '2025-01-01T13:00:00Z', breakdownTo: '2025-01-01T14:00:00Z' });
  t.deepEqual(s.byAgeGender, [], '13:00 alone holds 3 people');
  t.like(store.summary({ from: T0 + MIN, to: T0 + 59 * MIN }), { passersBy: 9, breakdownFrom: null, breakdownTo: null, byAgeGender: [], byContent: [] });
  // Every answer is the sum of the same per-period answers: [12:00, 14:00) = [12:00, 13:00) + [13:00, 14:00).
  const cells = (from: number, to: number) => store.summary({ from, to }).byContent.map((c) => [c.contentId, c.passersBy]);
  t.deepEqual(cells(T0, T0 + 120 * MIN), cells(T0, T0 + 60 * MIN));
  t.deepEqual(cells(T0 + 60 * MIN, T0 + 120 * MIN), []);
});

test('timeseries: breakdowns per bucket from whole periods, dense buckets, totals never suppressed', async (t) => {
  const { store } = await seeded(t);
  const hourly = store.timeseries({ from: T0, to: T0 + 180 * MIN, bucket: 'hour', by: 'gender' });
  t.deepEqual(hourly.buckets, ['2025-01-01T12:00:00Z', '2025-01-01T13:00:00Z', '2025-01-01T14:00:00Z']);
  // 12h: female 7, male 8, unknown 1 → unknown under k alone: smallest big (female 7) joins → other 8.
  // 13h: female 3 → all under k → suppressed.
  t.deepEqual(
    hourly.series.map((s) => [s.key, s.passersBy]),
    [
      ['male', [8, 0, 0]],
      ['other', [8, 0, 0]],
    ],
  );
  t.deepEqual(hourly.totals.passersBy, [16, 3, 0], 'totals per bucket stay, breakdown or not');
  const totals = store.timeseries({ from: T0, to: T0 + 180 * MIN, bucket: 'hour' });
  t.deepEqual(
    totals.series.map((s) => [s.key, s.passersBy, s.watchers]),
    [['all', [16, 3, 0], [10, 3, 0]]],
  );
  const daily = store.timeseries({ from: T0 - 3 * 3600_000, to: T0 + 3600_000, bucket: 'day', by: 'content' });
  t.deepEqual(daily.buckets, ['2025-01-01T00:00:00Z']);
  t.deepEqual(
    daily.series.map((s) => [s.key, s.passersBy[0]]),
    [
      ['promo-a', 7],
      ['other', 9],
    ],
  );
  // A minute is shorter than the period: totals per minute, no breakdown (per-minute k was a second
  // partition to subtract from the hourly one).
  const minutes = store.timeseries({ from: T0, to: T0 + 5 * MIN, bucket: 'minute', by: 'age_band' });
  t.is(minutes.buckets.length, 5);
  t.deepEqual(minutes.series, []);
  t.deepEqual(minutes.totals.passersBy, [7, 0, 0, 0, 0]);
  t.throws(() => store.timeseries({ from: T0, to: T0 + MIN, bucket: 'week' as never }), { instanceOf: RangeError, message: /bucket/ });
});

test('timeseries with a 15-minute period: an hourly bucket adds up its closed quarters', async (t) => {
  const dir = tempDir(t);
  const store = await openStore(dir, privacy("{ kAnonymity: 2, breakdownPeriod: '15m' }"), () => T0 + 40 * MIN);
  t.teardown(() => store.close());
  for (const [at, n] of [
    [T0, 2],
    [T0 + 16 * MIN, 1],
    [T0 + 31 * MIN, 3],
  ] as const)
    for (let i = 0; i < n; i++) store.recordVisit(visit(at + i));
  store.closeMinutes();
  const hourly = store.timeseries({ from: T0, to: T0 + 60 * MIN, bucket: 'hour', by: 'gender' });
  // 12:00 (2) is released; 12:15 (1) is under k; 12:30 is not over yet at 12:40.
  t.deepEqual(
    hourly.series.map((s) => [s.key, s.passersBy]),
    [['female', [2]]],
  );
  t.deepEqual(hourly.totals.passersBy, [6]);
  t.like(hourly, { breakdownPeriodS: 900, breakdownFrom: '2025-01-01T12:00:00Z', breakdownTo: '2025-01-01T12:30:00Z' });
});

test('privacy.breakdownPeriod: one hour by default; only lengths that divide a day', (t) => {
  t.is(privacy().breakdownPeriod, '1h');
  t.is(privacy("{ breakdownPeriod: '1d' }").breakdownPeriod, '1d');
  for (const bad of ['45m', '5h', '1m', 3600]) t.throws(() => privacy(`{ breakdownPeriod: ${JSON.stringify(bad)} }`), { message: /breakdownPeriod/ }, String(bad));
});

test('the period in progress has totals only; it is released once it has ended and none of it is in memory', async (t) => {
  const dir = tempDir(t);
  let now = T0 + 30 * MIN;
  const store = await openStore(dir, privacy('{ kAnonymity: 2 }'), () => now);
  t.teardown(() => store.close());
  for (let i = 0; i < 4; i++) store.recordVisit(visit(T0 + i));
  store.closeMinutes();
  const today = { from: T0, to: T0 + DAY_MS, includeOpen: true };
  t.like(store.summary(today), { passersBy: 4, byAgeGender: [], breakdownFrom: null });
  now = T0 + 60 * MIN + 30_000;
  store.recordVisit(visit(T0 + 59 * MIN)); // the hour's last minute, still open in memory
  t.like(store.summary(today), { passersBy: 5, byAgeGender: [], breakdownFrom: null }, 'ended, but a minute of it is still open');
  store.closeMinutes();
  t.like(store.summary(today), { passersBy: 5, breakdownFrom: '2025-01-01T12:00:00Z', breakdownTo: '2025-01-01T13:00:00Z' });
  t.deepEqual(
    store.summary(today).byAgeGender.map((c) => c.passersBy),
    [5],
  );
});

test('periods reaching back past retention are no longer released (retention would cut them)', async (t) => {
  const dir = tempDir(t);
  const now = T0 + 90 * DAY_MS + 30 * MIN; // retention (90 days) keeps minutes from 12:30 on that day
  const store = await openStore(dir, privacy('{ kAnonymity: 1 }'), () => now);
  t.teardown(() => store.close());
  store.recordVisit(visit(T0 + 40 * MIN));
  store.recordVisit(visit(T0 + 70 * MIN));
  store.closeMinutes();
  const s = store.summary({ from: T0, to: T0 + 120 * MIN });
  t.like(s, { passersBy: 2, breakdownFrom: '2025-01-01T13:00:00Z', breakdownTo: '2025-01-01T14:00:00Z' });
  t.deepEqual(
    s.byAgeGender.map((c) => c.passersBy),
    [1],
  );
});

test('minutes(): per-minute totals for export, no breakdown per minute', async (t) => {
  const { store } = await seeded(t);
  const all = store.minutes(T0, T0 + 2 * MIN);
  t.deepEqual(all, [{ minute: '2025-01-01T12:00:00Z', frames: 10, faces: 10, passersBy: 7, watchers: 7, dwellS: 28, attentionS: 10.5 }]);
});

test('minuteClosed carries totals; a period’s rows come with the commit that closes it, k-anonymized within it', async (t) => {
  const dir = tempDir(t);
  let now = T0 + 30_000;
  const store = await openStore(dir, privacy('{ kAnonymity: 3 }'), () => now);
  t.teardown(() => store.close());
  for (let i = 0; i < 4; i++) store.recordVisit(visit(T0 + i));
  for (let i = 0; i < 3; i++) store.recordVisit(visit(T0 + 10 + i, { gender: 'male' }));
  store.recordVisit(visit(T0 + 20, { ageBand: '65+' }));
  const early = store.closeMinute(T0)!; // a stop in the middle of the hour
  t.deepEqual(early.periods, [], 'the hour is not over');
  t.is(early.totals.passersBy, 8);
  now = T0 + 61 * MIN;
  store.recordVisit(visit(T0 + 60 * MIN));
  const closed = store.closeMinute(T0 + 60 * MIN)!;
  t.is(closed.periods.length, 1);
  const [period] = closed.periods;
  t.like(period, { periodStart: '2025-01-01T12:00:00Z', durationS: 3600, kAnonymity: 3, totals: { passersBy: 8, watchers: 8, dwellS: 32, attentionS: 12 } });
  // 65+ (1) is under k = 3; alone in 'other' it could be recovered from the totals, so the smallest
  // cell at or above k (male, 3) is merged with it.
  t.deepEqual(
    period.rows.map((r) => [r.ageBand, r.gender, r.emotion, r.contentId, r.passersBy]),
    [
      ['25-34', 'female', 'happy', 'promo-a', 4],
      ['other', 'other', 'other', 'other', 4],
    ],
  );
  t.is(rows<{ n: number }>(dir, 'SELECT count(*) AS n FROM minute_aggregates')[0].n, 4, 'the store itself keeps the exact cells');
});

test('retention deletes minutes and backups older than retentionDays, keeps the rest', async (t) => {
  const dir = tempDir(t);
  const now = Date.UTC(2025, 5, 1, 0, 0, 30);
  const day = 86_400_000;
  const store = await openStore(dir, privacy('{ retentionDays: 90 }'), () => now);
  t.teardown(() => store.close());
  store.recordVisit(visit(now - 91 * day));
  store.recordFrame({ wallMs: now - 91 * day, faces: 1 });
  store.recordVisit(visit(now - 89 * day));
  store.recordFrame({ wallMs: now - 89 * day, faces: 1 });
  store.closeMinutes();
  mkdirSync(path.join(dir, 'backups'), { recursive: true });
  const oldBackup = path.join(dir, 'backups', 'glance-v1-20250101T000000Z.db');
  const newBackup = path.join(dir, 'backups', 'glance-v1-20250501T000000Z.db');
  const unrelated = path.join(dir, 'backups', 'notes.txt');
  for (const f of [oldBackup, newBackup, unrelated]) writeFileSync(f, '');
  utimesSync(oldBackup, new Date(now - 100 * day), new Date(now - 100 * day));
  utimesSync(unrelated, new Date(now - 100 * day), new Date(now - 100 * day));
  const r = store.retain();
  t.deepEqual(r, { cutoff: new Date(now - 90 * day - 30_000).toISOString(), minutes: 1, cells: 1, outbox: 0, backups: 1 });
  t.deepEqual(rows(dir, 'SELECT minute FROM minute_counters'), [{ minute: Math.floor((now - 89 * day) / MIN) * 60 }]);
  t.false(existsSync(oldBackup));
  t.true(existsSync(newBackup));
  t.true(existsSync(unrelated), 'only Glance’s own backups are deleted');
  t.deepEqual(store.retain(), { ...r, minutes: 0, cells: 0, outbox: 0, backups: 0 }, 'idempotent');
});
