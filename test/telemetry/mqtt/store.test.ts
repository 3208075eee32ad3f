import test from 'ava';
import { parseConfig } from '../../../src/config/load.ts';
import { EventBus } from '../../../src/core/bus.ts';
import { HealthRegistry } from '../../../src/core/health.ts';
import type { GlanceEvents } from '../../../src/core/types.ts';
import { MqttStage } from '../../../src/telemetry/mqtt/stage.ts';
import { StoreStage } from '../../../src/telemetry/store/stage.ts';
import { startBroker } from '../../helpers/broker.ts';
import { captureLogger, loadSchemas, Subscriber, tempDir, visit } from './harness.ts';

const MINUTE = Date.UTC(2025, 0, 1, 12, 0, 0);

/** The store and MQTT stages wired as app.ts wires them, on a real database file and broker. */
async function wired(dir: string, brokerUrl: string, clock: { now: number }) {
  const config = parseConfig(`storage: { dataDir: "${dir}" }\nprivacy: { kAnonymity: 2 }\nmqtt: { url: "${brokerUrl}", visits: true, healthIntervalS: 3600, reconnectMinMs: 200 }`);
  const { log, entries } = captureLogger();
  const bus = new EventBus<GlanceEvents>(log);
  const health = new HealthRegistry();
  const storeStage = new StoreStage({ config: config.storage, privacy: config.privacy, log, bus, health, closeDelayMs: 0, tickMs: 50, now: () => clock.now });
  const mqtt = new MqttStage({ config: config.mqtt, device: config.device, log, bus, health, storeStage, env: {} });
  const signal = new AbortController().signal;
  await storeStage.start(signal);
  await mqtt.start(signal);
  return {
    bus,
    health,
    entries,
    // Reverse order, as the app stops them: MQTT first, then the store flushes its open minutes.
    stop: async () => {
      await mqtt.stop();
      await storeStage.stop();
    },
  };
}

test('with the real store, each minute is queued in its own commit and published; minutes flushed at stop go out on the next start', async (t) => {
  t.timeout(60_000);
  const dir = tempDir();
  const broker = await startBroker();
  t.teardown(() => broker.stop());
  const sub = await Subscriber.connect(broker.url, ['glance/glance-1/stats', 'glance/glance-1/visit', 'glance/glance-1/breakdown']);
  t.teardown(() => sub.close());
  const clock = { now: MINUTE + 5_000 };
  const first = await wired(dir, broker.url, clock);
  t.teardown(() => first.stop());

  for (let i = 0; i < 3; i++) first.bus.emit('visit', visit(i)); // ended at 12:00:00..02
  clock.now = MINUTE + 61_000; // the store's tick closes 12:00
  await sub.waitFor('stats of 12:00', () => sub.on('glance/glance-1/stats').length === 1);
  const stats = sub.on('glance/glance-1/stats')[0].json!;
  t.like(stats, { minute_start: '2025-01-01T12:00:00.000Z', schema: 'glance.stats/2' });
  t.like(stats.totals, { passers_by: 3, watchers: 3 });
  t.true(loadSchemas().get('glance.stats/2')!(stats).ok);
  t.is(sub.on('glance/glance-1/visit').length, 3);

  // A visit in 12:01, then a clean stop: MQTT stops first, the store then writes 12:01.
  first.bus.emit('visit', visit(70));
  await sub.waitFor('fourth visit', () => sub.on('glance/glance-1/visit').length === 4);
  await first.stop();
  t.is(sub.on('glance/glance-1/stats').length, 1, 'nothing published after MQTT stopped');

  const second = await wired(dir, broker.url, clock);
  t.teardown(() => second.stop());
  await sub.waitFor('stats of 12:01, queued by the store at its stop', () => sub.on('glance/glance-1/stats').length === 2);
  t.like(sub.on('glance/glance-1/stats')[1].json, { minute_start: '2025-01-01T12:01:00.000Z' });
  t.true(second.entries().some((e) => /replaying 1 unsent message/.test(String(e.msg))));
  await sub.waitFor('outbox empty', () => (second.health.snapshot().mqtt as { outbox_depth: number }).outbox_depth === 0);
  t.is(sub.on('glance/glance-1/breakdown').length, 0, 'the 12:00 hour is not over: no breakdown yet');

  // The first minute written after 13:00 closes the 12:00 hour: its breakdown goes out in that commit.
  second.bus.emit('visit', visit(3605));
  clock.now = MINUTE + 3_661_000;
  await sub.waitFor('breakdown of the 12:00 hour', () => sub.on('glance/glance-1/breakdown').length === 1);
  const breakdown = sub.on('glance/glance-1/breakdown')[0].json!;
  t.true(loadSchemas().get('glance.breakdown/1')!(breakdown).ok);
  t.like(breakdown, { period_start: '2025-01-01T12:00:00.000Z', duration_s: 3600, k_anonymity: 2, totals: { passers_by: 4 } });
  t.deepEqual(
    (breakdown.rows as Array<Record<string, unknown>>).map((r) => [r.age_band, r.gender, r.content_id, r.passers_by]),
    [['25-34', 'female', 'promo-1', 4]],
  );
});
