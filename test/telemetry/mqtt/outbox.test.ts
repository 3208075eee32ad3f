import path from 'node:path';
import test from 'ava';
import { Outbox } from '../../../src/telemetry/mqtt/outbox.ts';
import { captureLogger, openDb, tempDir } from './harness.ts';

const msg = (n: number) => ({ topic: 'glance/t/visit', payload: JSON.stringify({ n }), qos: 1 as const, retain: false });

test('rows come back in order, are deleted by id, and survive a reopen of the database file', (t) => {
  const file = path.join(tempDir(), 'glance.db');
  const { log } = captureLogger();
  let db = openDb(file);
  let outbox = new Outbox(db, { max: 100, log });
  const ids = [1, 2, 3, 4, 5].map((n) => outbox.enqueue(msg(n)));
  t.deepEqual(
    outbox.peek(0, 10).map((r) => JSON.parse(r.payload).n),
    [1, 2, 3, 4, 5],
  );
  t.deepEqual(
    outbox.peek(ids[1], 2).map((r) => r.id),
    [ids[2], ids[3]],
    'peek after an id pages on',
  );
  t.true(outbox.delete(ids[0]));
  t.false(outbox.delete(ids[0]), 'a second delete of the same row changes nothing');
  t.true(outbox.delete(ids[2]));
  t.is(outbox.depth, 3);
  db.close();

  // A restart (new connection to the same file) replays what was not acknowledged, in order.
  db = openDb(file);
  outbox = new Outbox(db, { max: 100, log });
  t.is(outbox.depth, 3);
  const rows = outbox.peek();
  t.deepEqual(
    rows.map((r) => JSON.parse(r.payload).n),
    [2, 4, 5],
  );
  t.like(rows[0], { topic: 'glance/t/visit', qos: 1, retain: false });
  t.true(outbox.enqueue(msg(6)) > ids[4], 'ids keep increasing after a restart (AUTOINCREMENT)');
  db.close();
});

test('a full outbox drops the oldest rows, counts them, and logs once per minute', (t) => {
  const { log, entries } = captureLogger();
  const db = openDb(path.join(tempDir(), 'glance.db'));
  let now = 1_000_000;
  const outbox = new Outbox(db, { max: 10, log, now: () => now });
  for (let n = 1; n <= 25; n++) {
    outbox.enqueue(msg(n));
    now += 1000;
  }
  t.is(outbox.depth, 10);
  t.is(outbox.dropped, 15);
  t.deepEqual(
    outbox.peek(0, 100).map((r) => JSON.parse(r.payload).n),
    [16, 17, 18, 19, 20, 21, 22, 23, 24, 25],
    'the newest are kept',
  );
  const warnings = entries().filter((e) => String(e.msg).includes('outbox full'));
  t.is(warnings.length, 1, 'a run of drops within a minute is one log line');
  t.like(warnings[0], { level: 40, dropped: 1, outboxMax: 10 });
  now += 60_000;
  outbox.enqueue(msg(26));
  t.is(entries().filter((e) => String(e.msg).includes('outbox full')).length, 2);
  t.is(outbox.dropped, 16);
  db.close();
});

test('a database without the outbox table is a clear error', (t) => {
  const file = path.join(tempDir(), 'empty.db');
  const db = openDb(file);
  db.exec('DROP TABLE outbox');
  const err = t.throws(() => new Outbox(db, { max: 10, log: captureLogger().log }));
  t.regex(err!.message, /table "outbox" is missing in .*empty\.db.*migration 2/);
  db.close();
});
