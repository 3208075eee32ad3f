import { randomBytes } from 'node:crypto';
import test from 'ava';
import { startBroker } from '../../helpers/broker.ts';
import { startStage, Subscriber, visit } from './harness.ts';

/**
 * Garbage on the two input topics, through a real broker: random bytes, 1 MB, wrong JSON types. Each is
 * rejected (counted, logged), the current content never changes, and the daemon keeps publishing and
 * answering valid commands afterwards.
 */
test('fuzzed content/set and command payloads are rejected and the daemon keeps working', async (t) => {
  t.timeout(90_000);
  const broker = await startBroker();
  t.teardown(() => broker.stop());
  const h = await startStage(`mqtt: { url: "${broker.url}", visits: true, healthIntervalS: 3600 }`);
  t.teardown(() => h.stop());
  const base = 'glance/glance-1';
  const changes: Array<string | null> = [];
  h.bus.on('contentChanged', ({ contentId }) => changes.push(contentId));
  const sub = await Subscriber.connect(broker.url, [`${base}/#`]);
  t.teardown(() => sub.close());
  await sub.waitFor('online', () => sub.on(`${base}/status`).some((m) => m.json?.state === 'online'));

  // A valid content id first, so "nothing changes" is observable.
  sub.client.publish(`${base}/content/set`, 'promo-1', { qos: 1 });
  await sub.waitFor('content set', () => changes.length === 1);
  t.deepEqual(changes, ['promo-1']);

  const bad: Array<string | Buffer> = [
    Buffer.alloc(1024 * 1024, 0x41), // 1 MB of 'A' (a valid charset, but far too long)
    Buffer.from(JSON.stringify({ content_id: 'x'.repeat(1024 * 1024) })),
    '{"content_id": 12}',
    '{"content_id": {"$gt": ""}}',
    '{"content_id": true}',
    '[1,2,3]',
    'null',
    '',
    'ünïcödé',
    'a/b/../../c',
    'x'.repeat(200),
    '\u0000\u0001',
  ];
  for (let i = 0; i < 40; i++) bad.push(randomBytes(1 + ((i * 37) % 700)));
  const badCommands: Array<string | Buffer> = [
    Buffer.alloc(1024 * 1024, 0x7b),
    '{"command": "reboot"}',
    '{"command": ["ping"]}',
    '{"command": 1}',
    '{"command": "ping", "request_id": {"a": 1}}',
    '{"command": "ping", "rm": "-rf"}',
    'ping',
    '',
  ];
  for (let i = 0; i < 40; i++) badCommands.push(randomBytes(1 + ((i * 53) % 900)));
  // Random bytes can, rarely, spell a valid content id; those are not garbage and are left out.
  const valid = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
  const contentGarbage = bad.filter((p) => !valid.test(Buffer.from(p).toString('utf8').trim()));
  for (const p of contentGarbage) sub.client.publish(`${base}/content/set`, p, { qos: 1 });
  for (const p of badCommands) sub.client.publish(`${base}/command`, p, { qos: 1 });
  const expected = contentGarbage.length + badCommands.length;

  await sub.waitFor(`${expected} rejections`, () => h.probe().inputs_rejected === expected, 30_000);
  t.deepEqual(changes, ['promo-1'], 'no rejected payload changed the content');
  t.is(sub.on(`${base}/command/result`).length, 0, 'no rejected command ran');
  t.is(h.probe().commands, 0);

  // One log line per rejection (up to the per-minute budget), naming the topic and the reason.
  const rejections = h.entries().filter((e) => String(e.msg).startsWith('mqtt input rejected'));
  t.is(rejections.length, 20, 'the first 20 in a minute are logged one by one; the rest are counted');
  t.true(rejections.some((e) => /too large \(1048576 bytes/.test(String(e.reason))));
  t.true(rejections.every((e) => typeof e.topic === 'string' && typeof e.reason === 'string' && typeof e.bytes === 'number'));
  t.false(h.logs().includes('A'.repeat(100)), 'payloads are not echoed into the log');

  // Still working: a visit is published, a valid command is answered, a valid content id is taken.
  h.bus.emit('visit', visit(1));
  sub.client.publish(`${base}/command`, '{"command":"ping","request_id":"after-fuzz"}', { qos: 1 });
  sub.client.publish(`${base}/content/set`, '{"content_id":"promo-2"}', { qos: 1 });
  await sub.waitFor('visit, ping result and content change', () => sub.on(`${base}/visit`).length === 1 && sub.on(`${base}/command/result`).length === 1 && changes.length === 2);
  t.like(sub.on(`${base}/command/result`)[0].json, { command: 'ping', ok: true, request_id: 'after-fuzz' });
  t.deepEqual(changes, ['promo-1', 'promo-2']);
  t.true(h.probe().connected);
});
