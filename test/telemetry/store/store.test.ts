import test from 'ava';
import type { MinuteClosed } from '../../../src/core/types.ts';
import { openStore, privacy, rows, T0, MIN, tempDir, visit } from './helpers.ts';

test('a minute is written once, in one transaction, with exactly what was recorded', async (t) => {
  const dir = tempDir(t);
  const store = await openStore(dir, privacy('{ kAnonymity: 1 }'), () => T0 + 2 * 3_600_000);
  t.teardown(() => store.close());
  store.recordVisit(visit(T0 + 10_000));
  store.recordVisit(visit(T0 + 20_000, { watcher: false, attentionS: 0.5, dwellS: 2 }));
  store.recordVisit(visit(T0 + 30_000, { gender: 'male', contentId: null, dominantEmotion: 'unknown', emotions: {} }));
  store.recordVisit(visit(T0 + MIN + 1, { ageBand: '65+' }));
  for (let i = 0; i < 5; i++) store.recordFrame({ wallMs: T0 + i * 1000, faces: i });
  t.deepEqual(store.openMinutes(), [T0, T0 + MIN]);
  t.deepEqual(rows(dir, 'SELECT * FROM minute_counters'), [], 'nothing is written before the minute is closed');

  const closed = store.closeMinute(T0)!;
  t.is(store.closeMinute(T0), undefined, 'closing it again writes nothing');
  t.deepEqual(store.openMinutes(), [T0 + MIN]);
  t.deepEqual(rows(dir, 'SELECT minute, frames, faces FROM minute_counters'), [{ minute: T0 / 1000, frames: 5, faces: 10 }]);
  t.deepEqual(rows(dir, 'SELECT age_band, gender, emotion, content_id, passers_by, watchers, dwell_s, attention_s FROM minute_aggregates ORDER BY gender'), [
    { age_band: '25-34', gender: 'female', emotion: 'happy', content_id: 'promo-a', passers_by: 2, watchers: 1, dwell_s: 6, attention_s: 2 },
    { age_band: '25-34', gender: 'male', emotion: 'unknown', content_id: '', passers_by: 1, watchers: 1, dwell_s: 4, attention_s: 1.5 },
  ]);
  t.is(closed.minute, '2025-01-01T12:00:00Z');
  t.deepEqual(closed.totals, { frames: 5, faces: 10, passersBy: 3, watchers: 2, dwellS: 10, attentionS: 3.5 });
  t.deepEqual(closed.periods, [], 'its hour still has a minute in memory: no breakdown yet');
  const last = store.closeMinute(T0 + MIN)!;
  t.deepEqual(
    last.periods[0].rows.map((r) => [r.ageBand, r.gender, r.contentId, r.passersBy]),
    [
      ['25-34', 'female', 'promo-a', 2],
      ['25-34', 'male', null, 1],
      ['65+', 'female', 'promo-a', 1],
    ],
  );
});

test('bad visits and frames are skipped and counted, never stored', async (t) => {
  const dir = tempDir(t);
  const store = await openStore(dir);
  t.teardown(() => store.close());
  t.false(store.recordVisit(visit(Number.NaN)));
  t.false(store.recordVisit(visit(T0, { dwellS: -1 })));
  t.false(store.recordFrame({ wallMs: T0, faces: -2 }));
  // Labels outside the known sets become 'unknown'; long content ids are cut.
  t.true(store.recordVisit(visit(T0, { gender: 'robot' as never, ageBand: 'DROP TABLE', dominantEmotion: 'smug' as never, contentId: 'x'.repeat(500) })));
  store.closeMinutes();
  t.is(store.rejected, 3);
  t.deepEqual(rows(dir, 'SELECT age_band, gender, emotion, length(content_id) AS n FROM minute_aggregates'), [{ age_band: 'unknown', gender: 'unknown', emotion: 'unknown', n: 200 }]);
});

test('restart within the same minute completes the stored minute without counting anything twice', async (t) => {
  const dir = tempDir(t);
  const p = privacy('{ kAnonymity: 1 }');
  const first = await openStore(dir, p);
  first.recordVisit(visit(T0 + 5000));
  first.recordFrame({ wallMs: T0 + 5000, faces: 1 });
  t.is(first.closeMinutes().length, 1, 'a clean stop flushes the partial minute');
  first.close();

  const second = await openStore(dir, p);
  t.teardown(() => second.close());
  t.is(second.lastClosedMinuteMs, T0, 'knows the last minute written');
  second.recordVisit(visit(T0 + 40_000));
  second.recordVisit(visit(T0 + 41_000, { gender: 'male' }));
  second.recordFrame({ wallMs: T0 + 40_000, faces: 2 });
  const [closed] = second.closeMinutes();
  t.deepEqual(rows(dir, 'SELECT minute, frames, faces FROM minute_counters'), [{ minute: T0 / 1000, frames: 2, faces: 3 }], 'still one row for the minute');
  t.deepEqual(rows(dir, 'SELECT gender, passers_by FROM minute_aggregates ORDER BY gender'), [
    { gender: 'female', passers_by: 2 },
    { gender: 'male', passers_by: 1 },
  ]);
  t.deepEqual(closed.totals, { frames: 2, faces: 3, passersBy: 3, watchers: 3, dwellS: 12, attentionS: 4.5 }, 're-emitted with the minute’s new totals');
});

test('a failed write leaves the minute in memory, nothing half-written, and a retry writes it once', async (t) => {
  const dir = tempDir(t);
  const store = await openStore(dir);
  t.teardown(() => store.close());
  store.recordVisit(visit(T0 + 1000));
  store.recordFrame({ wallMs: T0 + 1000, faces: 1 });
  // A trigger that fails the second statement of the transaction (the cell insert), after the counters row.
  store.db.exec(`CREATE TEMP TRIGGER boom BEFORE INSERT ON minute_aggregates BEGIN SELECT RAISE(ABORT, 'disk on fire'); END`);
  t.throws(() => store.closeMinute(T0), { any: true, message: /disk on fire/ });
  t.deepEqual(rows(dir, 'SELECT * FROM minute_counters'), [], 'the counters row was rolled back with it');
  t.deepEqual(store.openMinutes(), [T0]);
  store.db.exec('DROP TRIGGER boom');
  store.recordFrame({ wallMs: T0 + 2000, faces: 0 });
  store.closeMinute(T0);
  t.deepEqual(rows(dir, 'SELECT frames, faces FROM minute_counters'), [{ frames: 2, faces: 1 }]);
  t.deepEqual(rows(dir, 'SELECT passers_by FROM minute_aggregates'), [{ passers_by: 1 }]);
});

test('commit hooks write inside the minute’s transaction; a failing hook is rolled back alone', async (t) => {
  const dir = tempDir(t);
  const store = await openStore(dir);
  t.teardown(() => store.close());
  const seen: MinuteClosed[] = [];
  store.onMinuteCommit((closed, db) => {
    seen.push(closed);
    db.prepare('INSERT INTO outbox (topic, payload, created_at) VALUES (?, ?, ?)').run('glance/stats', JSON.stringify(closed), 1);
  });
  const off = store.onMinuteCommit((_closed, db) => {
    db.prepare('INSERT INTO outbox (topic, payload, created_at) VALUES (?, ?, ?)').run('half', '{}', 2);
    throw new Error('broken consumer');
  });
  store.recordVisit(visit(T0));
  store.closeMinute(T0);
  t.is(seen.length, 1);
  t.deepEqual(rows(dir, 'SELECT topic FROM outbox'), [{ topic: 'glance/stats' }], "the failing hook's insert was rolled back");
  t.deepEqual(rows(dir, 'SELECT count(*) AS n FROM minute_counters'), [{ n: 1 }], 'the minute itself is kept');
  off();
});

test('queries before and after close: a closed store refuses clearly', async (t) => {
  const dir = tempDir(t);
  const store = await openStore(dir);
  store.close();
  t.throws(() => store.summary({ from: T0, to: T0 + MIN }), { message: /store is closed/ });
  t.false(store.isOpen);
});
