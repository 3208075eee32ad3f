import test from 'ava';
import { healthMessage, LIVE_STALE_MS, type HealthSources } from '../../../src/telemetry/health/message.ts';

const NOW = Date.UTC(2025, 0, 1, 12, 0, 0);
const figures = { cpu_percent: 12.5, rss_bytes: 1000, temperature_c: null, disk_free_bytes: 5, uptime_s: 42 };

function sources(overrides: Partial<HealthSources> = {}): HealthSources {
  return {
    snapshot: { uptime_s: 41, mqtt: { connected: true, outbox_depth: 3 }, store: { open: true }, audience: { frames: 9 } },
    process: figures,
    mqttFallback: () => ({ connected: false, enabled: false }),
    contentId: 'spring-sale',
    latestLive: { wallMs: NOW - 1000, width: 640, height: 360, fps: 10, people: [{ box: { x: 0, y: 0, width: 10, height: 10 }, watching: true }] },
    watchersLastHour: 7,
    ...overrides,
  };
}

test('the MQTT probe gets its own field, the other probes stay probes, the snapshot uptime gives way to the process one', (t) => {
  const msg = healthMessage('glance-1', sources(), NOW);
  t.like(msg, { schema: 'glance.health/1', device_id: 'glance-1', timestamp: '2025-01-01T12:00:00.000Z', uptime_s: 42, outbox_depth: 3 });
  t.deepEqual(msg.mqtt, { connected: true, outbox_depth: 3 });
  t.deepEqual(msg.probes, { store: { open: true }, audience: { frames: 9 } });
  t.deepEqual(Object.keys(msg), [
    'schema',
    'message_id',
    'device_id',
    'timestamp',
    'cpu_percent',
    'rss_bytes',
    'temperature_c',
    'disk_free_bytes',
    'uptime_s',
    'content_id',
    'people_in_view',
    'watchers_last_hour',
    'outbox_depth',
    'mqtt',
    'probes',
  ]);
  t.like(msg, { content_id: 'spring-sale', people_in_view: 1, watchers_last_hour: 7 });
});

test('without an MQTT probe the fallback is reported, and is asked for only then', (t) => {
  let asked = 0;
  const mqttFallback = () => (asked++, { connected: false, enabled: false });
  healthMessage('glance-1', sources({ mqttFallback }), NOW);
  t.is(asked, 0);
  const msg = healthMessage('glance-1', sources({ mqttFallback, snapshot: { uptime_s: 1, store: { open: true } } }), NOW);
  t.is(asked, 1);
  t.deepEqual(msg.mqtt, { connected: false, enabled: false });
  t.false('outbox_depth' in JSON.parse(JSON.stringify(msg)), 'absent from the JSON');
  t.deepEqual(msg.probes, { store: { open: true } });
});

test('a live view older than LIVE_STALE_MS no longer says who is in view', (t) => {
  const at = (ageMs: number) => sources({ latestLive: { wallMs: NOW - ageMs, width: 1, height: 1, fps: 1, people: [] } });
  t.is(healthMessage('d', at(LIVE_STALE_MS - 1), NOW).people_in_view, 0);
  t.is(healthMessage('d', at(LIVE_STALE_MS), NOW).people_in_view, null);
  t.is(healthMessage('d', sources({ latestLive: undefined }), NOW).people_in_view, null);
});
