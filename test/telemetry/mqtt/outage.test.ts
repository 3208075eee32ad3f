import { randomUUID } from 'node:crypto';
import test from 'ava';
import { startBroker } from '../../helpers/broker.ts';
import { sleep, startStage, Subscriber, visit } from './harness.ts';
import { waitFor } from '../../helpers/wait.ts';

const OUTAGE_MS = 20_000;

/**
 * The broker is killed (-9) for 20 s while visits keep coming, then restarted. A back-office
 * subscriber with a persistent session ends with every visit, found by message_id; the daemon
 * published every outbox row once, plus resends only of rows that were in flight when the broker died.
 */
test('broker killed for 20 s while visits keep coming: every visit arrives, in order', async (t) => {
  t.timeout(90_000);
  const broker = await startBroker();
  t.teardown(() => broker.stop());
  const sub = await Subscriber.connect(broker.url, ['glance/glance-1/visit'], { clientId: `backoffice-${randomUUID().slice(0, 8)}`, clean: false });
  t.teardown(() => sub.close());
  const h = await startStage(`mqtt: { url: "${broker.url}", visits: true, reconnectMinMs: 200, reconnectMaxMs: 2000, healthIntervalS: 3600 }`);
  t.teardown(() => h.stop());
  await waitFor('the stage to connect', () => h.probe().connected === true, 10_000);
  t.true(h.probe().connected);

  // Visits every 200 ms; the id of each is read back from the outbox row it was written to.
  const expected: string[] = [];
  const lastPayload = h.db.prepare('SELECT payload FROM outbox ORDER BY id DESC LIMIT 1');
  let n = 0;
  const emitOne = () => {
    h.bus.emit('visit', visit(n++));
    expected.push(JSON.parse((lastPayload.get() as { payload: string }).payload).message_id);
  };
  const producer = setInterval(emitOne, 200);
  t.teardown(() => clearInterval(producer));

  // Windows of time are the point here: visits before the kill, a 20 s outage, visits after the restart.
  await sleep(2000);
  await broker.kill();
  const killedAt = expected.length;
  let maxDepth = 0;
  const outageEnd = Date.now() + OUTAGE_MS;
  while (Date.now() < outageEnd) {
    await sleep(500);
    maxDepth = Math.max(maxDepth, h.probe().outbox_depth as number);
  }
  t.false(h.probe().connected, 'the daemon noticed the outage');
  t.true(maxDepth >= 80, `visits piled up in the outbox during the outage (max depth ${maxDepth})`);
  await broker.restart();
  await sleep(2000);
  clearInterval(producer);
  const total = expected.length;
  t.true(total - killedAt >= 100, `visits kept coming during the outage (${total - killedAt})`);

  await sub.waitFor(`all ${total} visits`, () => new Set(sub.messages.map((m) => m.json?.message_id)).size >= total, 30_000);
  const received = sub.messages.map((m) => String(m.json!.message_id));
  const unique = new Set(received);
  t.deepEqual(
    expected.filter((id) => !unique.has(id)),
    [],
    'every visit arrived',
  );
  t.is(unique.size, total, 'nothing arrived that was not sent');
  const duplicates = received.length - unique.size;
  t.log(`${total} visits, ${received.length} deliveries, ${duplicates} duplicate deliveries (QoS 1 redelivery, deduplicated by message_id); broker: ${broker.impl}`);

  // Order: the first arrival of each id follows the order the visits happened in.
  const firstSeen = [...unique];
  t.deepEqual(firstSeen, expected, 'visits arrive in the order they were queued');

  // The daemon's side: every row acknowledged once and deleted; resends only for rows in flight at the kill.
  await sub.waitFor('outbox empty', () => h.probe().outbox_depth === 0, 10_000);
  const p = h.probe();
  t.is(p.outbox_acked, total, 'each outbox row was acknowledged and deleted exactly once');
  t.is((p.outbox_sent as number) - (p.outbox_resent as number), total, 'each row was sent once, plus resends');
  t.true((p.outbox_resent as number) <= 32, `only rows in flight at the kill were resent (${p.outbox_resent})`);
  t.log(`daemon: sent ${p.outbox_sent}, resent ${p.outbox_resent}, acked ${p.outbox_acked}, dropped ${p.outbox_dropped}`);
  t.is(p.outbox_dropped, 0);
  // One log line for the outage, not one per reconnect attempt.
  const failures = h.entries().filter((e) => String(e.msg).startsWith('mqtt connection to'));
  t.true(failures.length <= 3, `outage logged ${failures.length} times`);
  t.true(h.entries().some((e) => String(e.msg).startsWith('mqtt reconnected')));
});
