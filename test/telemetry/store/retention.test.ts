import test from 'ava';
import { pino } from 'pino';
import { Outbox } from '../../../src/telemetry/mqtt/outbox.ts';
import { openStore, privacy, rows, tempDir } from './helpers.ts';

const DAY = 86_400_000;

/**
 * The reproduction: during a broker outage visit rows sit in the outbox; a retention run
 * dated a year ahead left all 137 of them. Retention now covers the outbox like every other table.
 */
test('retention deletes outbox rows queued before its cut-off, and keeps the newer ones', async (t) => {
  const dir = tempDir(t);
  const now = Date.UTC(2025, 5, 1, 12, 0, 0);
  const store = await openStore(dir, privacy('{ retentionDays: 90 }'), () => now);
  t.teardown(() => store.close());
  const outbox = new Outbox(store.db, { max: 1000, log: pino({ level: 'silent' }) });
  const message = (topic: string, n: number) => ({ topic, payload: JSON.stringify({ n }), qos: 1 as const, retain: false });
  for (let n = 0; n < 137; n++) outbox.enqueue(message('glance/glance-1/visit', n), now - 100 * DAY + n);
  outbox.enqueue(message('glance/glance-1/stats', 0), now - 100 * DAY);
  outbox.enqueue(message('glance/glance-1/visit', 137), now - 10 * DAY);

  const r = store.retain();
  t.is(r.outbox, 138, 'the 137 old visit rows and the old stats row');
  t.deepEqual(rows(dir, 'SELECT payload FROM outbox'), [{ payload: '{"n":137}' }], 'a row younger than retentionDays stays');

  t.is(store.retain(now + 365 * DAY).outbox, 1, 'a run a year ahead leaves nothing');
  t.deepEqual(rows(dir, 'SELECT count(*) AS n FROM outbox'), [{ n: 0 }]);
});
