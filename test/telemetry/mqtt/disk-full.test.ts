import path from 'node:path';
import test from 'ava';
import { Outbox } from '../../../src/telemetry/mqtt/outbox.ts';
import { HELD_MAX, OutboxWriter } from '../../../src/telemetry/mqtt/outbox-writer.ts';
import { captureLogger, openDb, sleep, startStage, tempDir, visit } from './harness.ts';

type Db = ReturnType<typeof openDb>;

/**
 * A real full database: growth is capped at its present size (PRAGMA max_page_count) and a padding
 * table takes every free page, so the next insert that needs space fails with SQLITE_FULL, exactly
 * as on a full disk. Returns how to give the space back.
 */
function fillUp(db: Db): () => void {
  db.exec('CREATE TABLE pad (x TEXT)');
  db.pragma(`max_page_count = ${(db.prepare('PRAGMA page_count').get() as { page_count: number }).page_count}`);
  const insert = db.prepare('INSERT INTO pad (x) VALUES (?)');
  for (const size of [4000, 1000, 100, 10]) {
    try {
      for (;;) insert.run('x'.repeat(size));
    } catch (err) {
      if ((err as { code?: string }).code !== 'SQLITE_FULL') throw err;
    }
  }
  return () => {
    db.exec('DROP TABLE pad');
    db.pragma('max_page_count = 1073741823');
  };
}

const endedAt = (payload: string) => JSON.parse(payload).ended_at as string;

test('a visit whose outbox insert fails on a full disk is held in memory and written, in order, once space returns', async (t) => {
  t.timeout(60_000);
  // No broker: the rows stay in the outbox, where the test reads them.
  const h = await startStage('mqtt: { url: "mqtt://127.0.0.1:1", visits: true, reconnectMinMs: 60000, healthIntervalS: 3600 }');
  t.teardown(() => h.stop());
  const freeSpace = fillUp(h.db);
  // The outbox's own page has room for about ten visits; the rest find the disk full.
  const emitted: string[] = [];
  for (let i = 0; i < 40; i++) {
    const v = visit(i);
    h.bus.emit('visit', v);
    emitted.push(new Date(v.endedAt).toISOString());
  }
  t.false(
    h.entries().some((e) => e.msg === 'event listener failed'),
    'no visit was lost in a failed listener',
  );
  t.true((h.probe().held_in_memory as number) > 20, `visits are held in memory (${h.probe().held_in_memory})`);
  const full = h.entries().filter((e) => String(e.msg).startsWith('mqtt outbox: disk full'));
  t.is(full.length, 1, 'one warning for the episode, not one per visit');
  t.like(full[0], { level: 40, max: HELD_MAX });

  freeSpace();
  // The retry comes on its timer (every 5 s), or first with the next visit; here, the timer.
  const deadline = Date.now() + 10_000;
  while ((h.probe().held_in_memory as number) > 0 && Date.now() < deadline) await sleep(100);
  t.like(h.probe(), { held_in_memory: 0, held_dropped: 0 });
  const rows = h.db.prepare('SELECT payload FROM outbox ORDER BY id').all() as Array<{ payload: string }>;
  t.deepEqual(
    rows.map((r) => endedAt(r.payload)),
    emitted,
    'every visit is in the outbox, in the order it happened',
  );
  t.true(h.entries().some((e) => String(e.msg).startsWith('mqtt outbox writable again')));
});

test('the memory queue is bounded: beyond its size the oldest are dropped and counted, the rest keep their time', async (t) => {
  const db = openDb(path.join(tempDir(), 'glance.db'));
  t.teardown(() => db.close());
  const { log } = captureLogger();
  const outbox = new Outbox(db, { max: 1000, log });
  let now = 1_000_000;
  let written = 0;
  const writer = new OutboxWriter(outbox, { log, max: 3, retryMs: 20, now: () => now, onWritten: () => written++ });
  t.teardown(() => writer.stop());
  const freeSpace = fillUp(db);
  // Larger than a page: not one fits in what the padding left, not even in the outbox's own empty page.
  const message = (n: number) => ({ topic: 'glance/t/visit', payload: JSON.stringify({ n, pad: 'x'.repeat(5000) }), qos: 1 as const, retain: false });
  for (let n = 1; n <= 5; n++) {
    writer.write(message(n));
    now += 1000;
  }
  t.is(writer.waiting, 3);
  t.is(writer.dropped, 2);
  t.is(outbox.depth, 0);
  freeSpace();
  await sleep(200);
  t.is(writer.waiting, 0);
  t.true(written > 0, 'the pump was told');
  const rows = outbox.peek(0, 10);
  t.deepEqual(
    rows.map((r) => JSON.parse(r.payload).n),
    [3, 4, 5],
  );
  t.deepEqual(
    rows.map((r) => r.createdAt),
    [1_002_000, 1_003_000, 1_004_000],
    'the time each was made, not when it was written',
  );
});
