import path from 'node:path';
import test from 'ava';
import type { MinuteClosed } from '../../../src/core/types.ts';
import { freePort } from '../../helpers/broker.ts';
import { lastMinuteOfHour, openDb, sleep, startStage, Subscriber, tempDir, visit } from './harness.ts';

/** A minute that closes no breakdown period: it queues one stats row and nothing else. */
const closedMinute = (): MinuteClosed => ({ ...lastMinuteOfHour(), minute: '2025-01-01T11:30:00Z', periods: [] });
const outboxTopics = (h: { db: { prepare(sql: string): { all(): unknown[] } } }) => (h.db.prepare('SELECT topic FROM outbox ORDER BY id').all() as Array<{ topic: string }>).map((r) => r.topic);

test('by default no visit is written or sent: only the k-anonymised stats leave the box', async (t) => {
  t.timeout(60_000);
  const port = await freePort();
  const h = await startStage(`mqtt: { embedded: { port: ${port} }, healthIntervalS: 3600 }`);
  t.teardown(() => h.stop());
  const sub = await Subscriber.connect(`mqtt://127.0.0.1:${port}`, ['glance/glance-1/#']);
  t.teardown(() => sub.close());
  t.is(h.bus.listenerCount('visit'), 0, 'the stage does not even listen to visits');
  for (let i = 0; i < 5; i++) h.bus.emit('visit', visit(i));
  h.bus.emit('minuteClosed', closedMinute());
  await sub.waitFor('stats', () => sub.on('glance/glance-1/stats').length === 1);
  await sleep(300);
  t.is(sub.on('glance/glance-1/visit').length, 0, 'no visit message');
  t.false(
    outboxTopics(h).some((topic) => topic.endsWith('/visit')),
    'no visit row was ever written',
  );
  t.like(h.probe(), { visits: false });
  t.false(h.config.mqtt.visits, 'mqtt.visits defaults to false');
});

test('with visits off, visit rows an earlier run left in the outbox are deleted at start; stats rows stay', async (t) => {
  const dir = tempDir();
  const db = openDb(path.join(dir, 'glance.db'));
  const insert = db.prepare('INSERT INTO outbox (topic, payload, created_at) VALUES (?, ?, ?)');
  for (let i = 0; i < 3; i++) insert.run('glance/glance-1/visit', `{"n":${i}}`, Date.now());
  insert.run('old-prefix/other-device/visit', '{"n":3}', Date.now());
  insert.run('glance/glance-1/stats', '{"minute":1}', Date.now());
  db.close();
  const h = await startStage('mqtt: { url: "mqtt://127.0.0.1:1", reconnectMinMs: 60000, healthIntervalS: 3600 }', { dir });
  t.teardown(() => h.stop());
  t.deepEqual(outboxTopics(h), ['glance/glance-1/stats']);
  t.like(h.probe(), { outbox_depth: 1, visits_expired: 4 });
  t.true(h.entries().some((e) => e.msg === 'no visits are published (mqtt.visits off, or MQTT disabled): deleted 4 queued visit message(s) left by an earlier run'));
});

test('with MQTT disabled nothing can deliver queued visit rows: they are deleted at start, stats rows stay', async (t) => {
  const dir = tempDir();
  const db = openDb(path.join(dir, 'glance.db'));
  db.prepare('INSERT INTO outbox (topic, payload, created_at) VALUES (?, ?, ?)').run('glance/glance-1/visit', '{}', Date.now());
  db.prepare('INSERT INTO outbox (topic, payload, created_at) VALUES (?, ?, ?)').run('glance/glance-1/stats', '{}', Date.now());
  db.close();
  const h = await startStage('mqtt: { enabled: false, visits: true }', { dir });
  t.teardown(() => h.stop());
  t.deepEqual(outboxTopics(h), ['glance/glance-1/stats']);
  t.true(h.entries().some((e) => String(e.msg).endsWith('deleted 1 queued visit message(s) left by an earlier run')));
});

test('undelivered visit rows are deleted after mqtt.visitMaxAgeS, counted and logged once per sweep; stats rows wait', async (t) => {
  t.timeout(60_000);
  const dir = tempDir();
  const db = openDb(path.join(dir, 'glance.db'));
  // Queued two hours ago, before a restart: too old to replay.
  db.prepare('INSERT INTO outbox (topic, payload, created_at) VALUES (?, ?, ?)').run('glance/glance-1/visit', '{"old":true}', Date.now() - 7_200_000);
  db.close();
  // The broker never answers: everything waits in the outbox.
  const h = await startStage('mqtt: { url: "mqtt://127.0.0.1:1", visits: true, visitMaxAgeS: 1, reconnectMinMs: 60000, healthIntervalS: 3600 }', { dir });
  t.teardown(() => h.stop());
  t.deepEqual(outboxTopics(h), [], 'the old row went before the outbox was replayed');
  for (let i = 0; i < 5; i++) h.bus.emit('visit', visit(i));
  h.bus.emit('minuteClosed', closedMinute());
  t.deepEqual(outboxTopics(h), [...Array(5).fill('glance/glance-1/visit'), 'glance/glance-1/stats'], 'fresh rows wait for the broker');
  // At most visitMaxAgeS plus a sweep interval (a quarter of it, at least 250 ms).
  const deadline = Date.now() + 3000;
  while (outboxTopics(h).length > 1 && Date.now() < deadline) await sleep(50);
  t.deepEqual(outboxTopics(h), ['glance/glance-1/stats'], 'the visit rows expired; the stats row waits for retention');
  t.like(h.probe(), { outbox_depth: 1, visits_expired: 6 });
  // One line per sweep that deleted something, with its count: not one line per row.
  const sweeps = h.entries().filter((e) => String(e.msg).startsWith('mqtt outbox: deleted'));
  t.is(sweeps[0].expired, 1, 'the sweep at start');
  const later = sweeps.slice(1).map((e) => e.expired as number);
  t.is(
    later.reduce((a, b) => a + b, 0),
    5,
  );
  t.true(later.length <= 2, `five rows queued within a few ms expire in one sweep, two at most (${later.join(', ')})`);
  t.like(sweeps[sweeps.length - 1], { level: 40, visitMaxAgeS: 1, expiredTotal: 6 });
});
