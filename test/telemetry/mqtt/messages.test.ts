import test from 'ava';
import { startBroker } from '../../helpers/broker.ts';
import { lastMinuteOfHour, loadSchemas, startStage, Subscriber, visit, type Received } from './harness.ts';

/**
 * Every message the daemon publishes under its prefix, on a real broker, validates against its JSON
 * Schema in docs/schemas; status is retained and flips to offline on a clean stop.
 */
test('every published message validates against its schema; status online → offline', async (t) => {
  t.timeout(60_000);
  const schemas = loadSchemas();
  t.deepEqual([...schemas.keys()].sort(), ['glance.breakdown/1', 'glance.command_result/1', 'glance.health/1', 'glance.live/1', 'glance.stats/2', 'glance.status/1', 'glance.visit/1']);
  const broker = await startBroker();
  t.teardown(() => broker.stop());
  const sub = await Subscriber.connect(broker.url, ['shop/#', 'ha/#']);
  t.teardown(() => sub.close());
  const h = await startStage(`
device: { id: box-7, name: Front window, location: Lobby }
mqtt:
  url: ${broker.url}
  visits: true
  prefix: shop
  healthIntervalS: 1
  liveIntervalS: 1
  homeAssistant: true
  homeAssistantPrefix: ha
`);
  t.teardown(() => h.stop());
  // Other stages' probes end up in health.probes, as the dashboard sees them.
  h.health.register('capture', () => ({ state: 'running', fps: 10, droppedFps: 0.5 }));
  const base = 'shop/box-7';

  await sub.waitFor('status online', () => sub.on(`${base}/status`).some((m) => m.json?.state === 'online'));
  h.bus.emit('visit', visit(1));
  h.bus.emit('visit', visit(2, { contentId: null, gender: 'unknown', ageBand: 'unknown', dominantEmotion: 'unknown', watcher: false, attentionS: 0 }));
  h.bus.emit('minuteClosed', lastMinuteOfHour());
  h.bus.emit('live', {
    wallMs: Date.now(),
    width: 640,
    height: 480,
    fps: 9.87,
    people: [
      { box: { x: 1, y: 2, width: 30, height: 40 }, watching: true },
      { box: { x: 100, y: 2, width: 30, height: 40 }, watching: false },
    ],
  });
  sub.client.publish(`${base}/command`, JSON.stringify({ command: 'ping', request_id: 'r-1' }), { qos: 1 });
  sub.client.publish(`${base}/command`, JSON.stringify({ command: 'publish_stats' }), { qos: 1 });
  sub.client.publish(`${base}/command`, JSON.stringify({ command: 'publish_health', request_id: 'h' }), { qos: 1 });

  await sub.waitFor(
    'visits, stats, breakdown, live, health and three command results',
    () =>
      sub.on(`${base}/visit`).length >= 2 &&
      sub.on(`${base}/stats`).length >= 2 &&
      sub.on(`${base}/breakdown`).length >= 1 &&
      sub.on(`${base}/live`).length >= 1 &&
      sub.on(`${base}/health`).length >= 2 &&
      sub.on(`${base}/command/result`).length >= 3,
  );

  // Every message under our prefix: valid JSON, a known schema, valid against it, unique message_id.
  const ours = sub.messages.filter((m) => m.topic.startsWith(`${base}/`) && !m.topic.endsWith('/command'));
  const ids = new Set<string>();
  for (const m of ours) {
    t.truthy(m.json, `${m.topic}: not JSON: ${m.text.slice(0, 80)}`);
    const validate = schemas.get(String(m.json!.schema));
    t.truthy(validate, `${m.topic}: unknown schema ${String(m.json!.schema)}`);
    const r = validate!(m.json);
    t.true(r.ok, `${m.topic} (${String(m.json!.schema)}): ${r.errors}\n${m.text}`);
    t.false(ids.has(String(m.json!.message_id)), `duplicate message_id on ${m.topic}`);
    ids.add(String(m.json!.message_id));
  }
  const schemaOf = (suffix: string) => new Set(sub.on(`${base}/${suffix}`).map((m) => m.json!.schema));
  t.deepEqual(schemaOf('visit'), new Set(['glance.visit/1']));
  t.deepEqual(schemaOf('stats'), new Set(['glance.stats/2']));
  t.deepEqual(schemaOf('breakdown'), new Set(['glance.breakdown/1']));
  t.deepEqual(schemaOf('health'), new Set(['glance.health/1']));
  t.deepEqual(schemaOf('live'), new Set(['glance.live/1']));

  // Content of the messages, not only their shape.
  const [v1, v2] = sub.on(`${base}/visit`).map((m) => m.json!);
  t.like(v1, { device_id: 'box-7', dwell_s: 4.2, attention_s: 1.5, watcher: true, age_band: '25-34', gender: 'female', dominant_emotion: 'happy', content_id: 'promo-1' });
  t.is(v1.ended_at, new Date(Date.UTC(2025, 0, 1, 12, 0, 1)).toISOString());
  t.like(v2, { content_id: null, watcher: false, gender: 'unknown' });
  const stats = sub.on(`${base}/stats`)[0];
  t.true(stats.json!.minute_start === '2025-01-01T11:59:00.000Z');
  t.deepEqual(stats.json!.totals, { passers_by: 2, watchers: 1, dwell_s: 7.3, attention_s: 3 });
  t.false('rows' in stats.json!, 'a minute carries totals only: breakdowns leave per closed period');
  const breakdown = sub.on(`${base}/breakdown`)[0].json!;
  t.like(breakdown, { period_start: '2025-01-01T11:00:00.000Z', duration_s: 3600, k_anonymity: 5 });
  t.deepEqual(breakdown.totals, { passers_by: 15, watchers: 11, dwell_s: 55.3, attention_s: 21.5 });
  t.deepEqual((breakdown.rows as Array<Record<string, unknown>>)[1], { age_band: '35-44', gender: 'male', emotion: 'neutral', content_id: null, passers_by: 7, watchers: 5, dwell_s: 20, attention_s: 8 });
  t.like(sub.on(`${base}/live`)[0].json, { people_in_view: 2, watchers_in_view: 1, fps: 9.9 });
  t.false(JSON.stringify(sub.on(`${base}/live`)[0].json).includes('"box"'), 'live carries counts only, no positions');
  const results = sub.on(`${base}/command/result`).map((m) => m.json!);
  t.like(
    results.find((r) => r.command === 'ping'),
    { ok: true, request_id: 'r-1' },
  );
  const republished = results.find((r) => r.command === 'publish_stats')!;
  t.like(republished, { ok: true, request_id: null });
  t.true(sub.on(`${base}/stats`).some((m) => m.json!.message_id === (republished.result as Record<string, unknown>).stats_message_id));
  const lastHealth = sub.on(`${base}/health`).at(-1)!.json!;
  t.like(lastHealth, { watchers_last_hour: 1, people_in_view: 2 });
  t.like(lastHealth.mqtt, { connected: true, broker: broker.url });
  t.true((lastHealth.rss_bytes as number) > 0);
  t.deepEqual((lastHealth.probes as Record<string, unknown>).capture, { state: 'running', fps: 10, droppedFps: 0.5 });
  t.is((lastHealth.probes as Record<string, unknown>).mqtt, undefined, 'the MQTT probe is the top-level mqtt field, not repeated');

  // Home Assistant discovery: one retained config per sensor, pointing at our topics.
  const discovery = sub.messages.filter((m) => m.topic.startsWith('ha/sensor/glance_box-7/'));
  t.true(discovery.length >= 3);
  for (const d of discovery) {
    t.regex(d.topic, /^ha\/sensor\/glance_box-7\/[a-z_]+\/config$/);
    t.is(d.json!.availability_topic, `${base}/status`);
    t.truthy(d.json!.unique_id);
  }
  t.truthy(discovery.find((d) => d.topic.endsWith('/people_in_view/config') && d.json!.state_topic === `${base}/live`));
  t.truthy(discovery.find((d) => d.topic.endsWith('/watchers_last_hour/config')));

  // The outbox emptied: everything durable was acknowledged.
  await sub.waitFor('outbox drained', () => h.probe().outbox_depth === 0);
  t.is(h.probe().outbox_acked, 5);

  // Clean stop: offline, retained, valid.
  await h.stop();
  await sub.waitFor('status offline', () => sub.on(`${base}/status`).some((m) => m.json?.state === 'offline'));
  const offline = sub.on(`${base}/status`).find((m) => m.json?.state === 'offline')!;
  t.like(offline.json, { reason: 'stopped' });
  t.true(schemas.get('glance.status/1')!(offline.json).ok);

  // A late subscriber sees the retained status, the latest stats and the latest breakdown at once.
  const late = await Subscriber.connect(broker.url, [`${base}/status`, `${base}/stats`, `${base}/breakdown`]);
  t.teardown(() => late.close());
  await late.waitFor('retained status, stats and breakdown', () => late.on(`${base}/status`).length === 1 && late.on(`${base}/stats`).length === 1 && late.on(`${base}/breakdown`).length === 1);
  t.true(late.messages.every((m: Received) => m.retain));
  t.is(late.on(`${base}/status`)[0].json!.state, 'offline');
});

test('the Last Will marks the device offline when the connection dies', async (t) => {
  t.timeout(60_000);
  const broker = await startBroker();
  t.teardown(() => broker.stop());
  const sub = await Subscriber.connect(broker.url, ['glance/+/status']);
  t.teardown(() => sub.close());
  // The daemon runs in a child process so it can die without saying goodbye.
  const { spawnTs } = await import('../../helpers/process.ts');
  const { tempDir } = await import('./harness.ts');
  const dir = tempDir();
  const child = spawnTs('test/telemetry/mqtt/fixtures/daemon.ts', [], { DAEMON_DIR: dir, DAEMON_URL: broker.url, DAEMON_VISITS: '0' });
  t.teardown(() => void child.child.kill('SIGKILL'));
  await sub.waitFor('online', () => sub.messages.some((m) => m.json?.state === 'online'));
  child.child.kill('SIGKILL');
  await sub.waitFor('Last Will offline', () => sub.messages.some((m) => m.json?.state === 'offline'), 15_000);
  const will = sub.messages.find((m) => m.json?.state === 'offline')!;
  t.like(will.json, { reason: 'connection lost', schema: 'glance.status/1', device_id: 'glance-1' });
  t.true(loadSchemas().get('glance.status/1')!(will.json).ok);
});
