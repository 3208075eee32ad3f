import { randomUUID } from 'node:crypto';
import path from 'node:path';
import test from 'ava';
import { startBroker } from '../../helpers/broker.ts';
import { spawnTs } from '../../helpers/process.ts';
import { openDb, Subscriber, tempDir } from './harness.ts';

const daemon = 'test/telemetry/mqtt/fixtures/daemon.ts';

/**
 * The daemon is killed with -9 while its outbox holds unsent visits (the broker is down). After both
 * come back, the visits written before the crash arrive, each one, from the SQLite file alone.
 */
test('daemon killed with -9 while the outbox is not empty: after restart the remaining messages arrive', async (t) => {
  t.timeout(90_000);
  const dir = tempDir();
  const broker = await startBroker();
  t.teardown(() => broker.stop());
  await broker.kill();

  const first = spawnTs(daemon, [], { DAEMON_DIR: dir, DAEMON_URL: broker.url, DAEMON_VISITS: '25' });
  t.teardown(() => void first.child.kill('SIGKILL'));
  await first.waitFor(/enqueued 25/, 30_000);
  first.child.kill('SIGKILL');
  t.is((await first.exited).signal, 'SIGKILL');

  // What the crashed process left behind, read from the database file by another connection.
  const db = openDb(path.join(dir, 'glance.db'));
  const rows = db.prepare('SELECT topic, payload FROM outbox ORDER BY id').all() as Array<{ topic: string; payload: string }>;
  db.close();
  t.is(rows.length, 25);
  t.true(rows.every((r) => r.topic === 'glance/glance-1/visit'));
  const expected = rows.map((r) => JSON.parse(r.payload).message_id as string);

  await broker.restart();
  const sub = await Subscriber.connect(broker.url, ['glance/glance-1/visit'], { clientId: `backoffice-${randomUUID().slice(0, 8)}` });
  t.teardown(() => sub.close());
  const second = spawnTs(daemon, [], { DAEMON_DIR: dir, DAEMON_URL: broker.url, DAEMON_VISITS: '0' });
  t.teardown(() => void second.child.kill('SIGKILL'));
  await second.waitFor(/replaying 25 unsent message/, 30_000);
  await sub.waitFor('the 25 visits queued before the crash', () => sub.messages.length >= 25, 30_000);
  t.deepEqual(
    sub.messages.map((m) => m.json!.message_id),
    expected,
    'each queued visit arrived once, in order',
  );

  second.child.kill('SIGTERM');
  await second.waitFor(/stopped/, 15_000);
  const after = openDb(path.join(dir, 'glance.db'));
  t.is((after.prepare('SELECT COUNT(*) AS n FROM outbox').get() as { n: number }).n, 0, 'acknowledged rows were deleted');
  after.close();
  t.is(sub.messages.length, 25, 'nothing was sent twice');
});
