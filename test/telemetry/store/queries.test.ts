import { utimesSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { applyKAnonymity } from '../../../src/telemetry/store/k-anonymity.ts';
import { openStore, privacy, rows, T0, MIN, tempDir, visit } from './helpers.ts';
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

/** Visits for a day: content and gender spread so that some cells are under k = 5. */
async function seeded(t: Parameters<typeof tempDir>[0]) {
  const dir = tempDir(t);
  const store = await openStore(dir, privacy('{ kAnonymity: 5 }'));
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

test('summary: totals exact, breakdowns k-anonymized, conversion and means', async (t) => {
  const { store } = await seeded(t);
  const s = store.summary({ from: new Date(T0), to: new Date(T0 + 120 * MIN) });
  t.like(s, { passersBy: 19, watchers: 13, frames: 10, faces: 10, dwellS: 76, kAnonymity: 5 });
  t.is(s.attentionS, 13 * 1.5 + 6 * 0.2);
  t.is(s.conversion, 0.6842);
  t.is(s.attentionMeanS, 1.59);
  t.is(s.dwellMeanS, 4);
  // promo-a 10, promo-b 6 visible; promo-c (2) + none (1) = 3 < 5 → promo-b joins: other 9.
  t.deepEqual(
    s.byContent.map((c) => [c.contentId, c.passersBy]),
    [
      ['promo-a', 10],
      ['other', 9],
    ],
  );
  // 25-34 female 10, 35-44 male 6, 65+ male 2, unknown 1: the last two (3) take 35-44 male along.
  t.deepEqual(
    s.byAgeGender.map((c) => [c.ageBand, c.gender, c.passersBy]),
    [
      ['25-34', 'female', 10],
      ['other', 'other', 9],
    ],
  );
  const none = store.summary({ from: T0 - 10 * MIN, to: T0 });
  t.like(none, { passersBy: 0, watchers: 0, conversion: null, attentionMeanS: null, dwellMeanS: null, byContent: [], byAgeGender: [] });
  t.throws(() => store.summary({ from: T0, to: T0 }), { instanceOf: RangeError, message: /from .* must be before to/ });
});

test('timeseries: k applied per bucket, dense buckets, totals series untouched', async (t) => {
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
  const totals = store.timeseries({ from: T0, to: T0 + 180 * MIN, bucket: 'hour' });
  t.deepEqual(totals.series.map((s) => [s.key, s.passersBy, s.watchers]), [['all', [16, 3, 0], [10, 3, 0]]]);
  const daily = store.timeseries({ from: T0 - 3 * 3600_000, to: T0 + 3600_000, bucket: 'day', by: 'content' });
  t.deepEqual(daily.buckets, ['2025-01-01T00:00:00Z']);
  t.deepEqual(
    daily.series.map((s) => [s.key, s.passersBy[0]]),
    [
      ['promo-a', 7],
      ['other', 9],
    ],
  );
  const minutes = store.timeseries({ from: T0, to: T0 + 5 * MIN, bucket: 'minute', by: 'age_band' });
  t.is(minutes.buckets.length, 5);
  t.deepEqual(minutes.series.map((s) => [s.key, s.passersBy]), [['25-34', [7, 0, 0, 0, 0]]]);
  t.throws(() => store.timeseries({ from: T0, to: T0 + MIN, bucket: 'week' as never }), { instanceOf: RangeError, message: /bucket/ });
});

test('minutes(): per-minute rows for export, with k inside each minute when broken down', async (t) => {
  const { store } = await seeded(t);
  const all = store.minutes(T0, T0 + 2 * MIN);
  t.deepEqual(all, [{ minute: '2025-01-01T12:00:00Z', frames: 10, faces: 10, passersBy: 7, watchers: 7, dwellS: 28, attentionS: 10.5 }]);
  t.deepEqual(
    store.minutes(T0, T0 + 61 * MIN, 'content').map((r) => [r.minute.slice(11, 16), r.key, r.passersBy]),
    [
      ['12:00', 'promo-a', 7],
      ['12:10', 'promo-b', 6],
    ],
    '12:20 (2 people), 12:30 (1) and 13:00 (3) are suppressed',
  );
});

test('minuteClosed rows are k-anonymized too; totals are complete', async (t) => {
  const dir = tempDir(t);
  const store = await openStore(dir, privacy('{ kAnonymity: 3 }'));
  t.teardown(() => store.close());
  for (let i = 0; i < 4; i++) store.recordVisit(visit(T0 + i));
  for (let i = 0; i < 3; i++) store.recordVisit(visit(T0 + 10 + i, { gender: 'male' }));
  store.recordVisit(visit(T0 + 20, { ageBand: '65+' }));
  const closed = store.closeMinute(T0)!;
  // 65+ (1) is under k = 3; alone in 'other' it could be recovered from the totals, so the smallest
  // cell at or above k (male, 3) is merged with it.
  t.deepEqual(
    closed.rows.map((r) => [r.ageBand, r.gender, r.emotion, r.contentId, r.passersBy]),
    [
      ['25-34', 'female', 'happy', 'promo-a', 4],
      ['other', 'other', 'other', 'other', 4],
    ],
  );
  t.is(closed.totals?.passersBy, 8);
  t.is(rows<{ n: number }>(dir, 'SELECT count(*) AS n FROM minute_aggregates')[0].n, 3, 'the store itself keeps the exact cells');
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
