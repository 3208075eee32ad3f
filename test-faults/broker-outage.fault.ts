import test from 'ava';
import mqtt from 'mqtt';
import { startBroker } from '../test/helpers/broker.ts';
import { startDaemon } from './daemon.ts';
import { sleep, until } from '../test/helpers/wait.ts';

const OUTAGE_MS = 35_000;

/**
 * The whole daemon (demo camera, real pipeline) publishing to an external broker that is killed (-9)
 * for 35 s. Visits and stats pile up in the SQLite outbox; once the broker is back, a back-office
 * subscriber with a persistent session holds every message the daemon produced: none lost.
 */
test('broker down for 35 s: the daemon keeps its messages in the outbox and delivers every one afterwards', async (t) => {
  t.timeout(200_000);
  const broker = await startBroker();
  t.teardown(() => broker.stop());
  const ids = new Set<string>();
  let deliveries = 0;
  const sub = await mqtt.connectAsync(broker.url, { clientId: 'fault-backoffice', clean: false, reconnectPeriod: 300, connectTimeout: 5000 });
  t.teardown(() => sub.end(true));
  sub.on('message', (topic, p) => {
    if (!/\/(visit|stats|breakdown)$/.test(topic)) return;
    deliveries++;
    ids.add(String(JSON.parse(p.toString()).message_id));
  });
  // breakdown too: an hour ending during the run queues one through the same outbox.
  await sub.subscribeAsync(['glance/glance-1/visit', 'glance/glance-1/stats', 'glance/glance-1/breakdown'], { qos: 1 });

  const d = await startDaemon(t, `capture: { source: demo, fps: 2 }\nmqtt: { url: "${broker.url}", visits: true, reconnectMinMs: 200, reconnectMaxMs: 2000, healthIntervalS: 3600 }\ndashboard: { port: 0 }`);
  await until('first visits published', d.health, (h) => h.mqtt.connected && h.mqtt.outbox_acked >= 2, 60_000);
  await broker.kill();
  const outageStart = Date.now();
  let maxDepth = 0;
  // The outage's length is the point: sampled once a second while it lasts.
  while (Date.now() - outageStart < OUTAGE_MS) {
    await sleep(1000);
    maxDepth = Math.max(maxDepth, (await d.health()).mqtt.outbox_depth);
  }
  const during = await d.health();
  t.false(during.mqtt.connected, 'the daemon noticed the outage');
  t.true(maxDepth >= 3, `messages piled up in the outbox during the outage (max depth ${maxDepth})`);
  await broker.restart();
  const drained = await until('outbox drained', d.health, (h) => h.mqtt.connected && h.mqtt.outbox_depth === 0, 60_000);
  const acked = drained.mqtt.outbox_acked;
  await until(
    `all ${acked} messages at the subscriber`,
    () => ids.size,
    (n) => n >= acked,
    30_000,
  );
  // The demo camera keeps producing visits: compare against the daemon's count taken just after.
  const received = ids.size;
  const redelivered = deliveries - received;
  const later = await d.health();
  t.true(received >= acked, `every acknowledged outbox message arrived (${received} of ${acked})`);
  t.true(received <= later.mqtt.outbox_acked + later.mqtt.in_flight, `nothing arrived that the daemon did not send (${received} vs ${later.mqtt.outbox_acked} acked)`);
  t.is(drained.mqtt.outbox_dropped, 0, 'nothing dropped');
  t.is(d.proc.child.exitCode, null);
  const exit = await d.stop();
  t.is(exit.code, 0);
  console.log(
    `broker down ${OUTAGE_MS / 1000} s (kill -9, ${broker.impl}): outbox peaked at ${maxDepth} messages; ${acked} visit/stats messages produced, ${received} received (${redelivered} duplicate deliveries, deduplicated by message_id), 0 lost, 0 dropped`,
  );
});
