import { connect } from 'node:net';
import mqtt from 'mqtt';
import test, { type ExecutionContext } from 'ava';
import { ConfigError } from '../../../src/core/errors.ts';
import { freePort } from '../../helpers/broker.ts';
import { sleep, startStage, Subscriber, visit } from './harness.ts';

/** Connects once without retrying; resolves with the CONNACK error message, 'connected', or 'closed' (no CONNACK). */
function tryConnect(url: string, opts: mqtt.IClientOptions): Promise<string> {
  return new Promise((resolve) => {
    const c = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 5000, protocolVersion: 4, ...opts });
    c.once('connect', () => c.end(true, {}, () => resolve('connected')));
    c.once('error', (err) => c.end(true, {}, () => resolve(err.message)));
    c.once('close', () => c.end(true, {}, () => resolve('closed')));
  });
}

test('with no mqtt.url an embedded broker listens on the configured host/port; a client receives status and visit', async (t) => {
  t.timeout(60_000);
  const port = await freePort();
  const h = await startStage(`mqtt: { visits: true, embedded: { host: 127.0.0.1, port: ${port} }, healthIntervalS: 3600 }`);
  t.teardown(() => h.stop());
  const url = `mqtt://127.0.0.1:${port}`;
  const sub = await Subscriber.connect(url, ['glance/glance-1/#']);
  t.teardown(() => sub.close());
  await sub.waitFor('retained status online', () => sub.on('glance/glance-1/status').some((m) => m.json?.state === 'online'));
  t.true(sub.on('glance/glance-1/status')[0].retain, 'status is retained');
  h.bus.emit('visit', visit(1));
  await sub.waitFor('visit', () => sub.on('glance/glance-1/visit').length === 1);
  t.like(sub.on('glance/glance-1/visit')[0].json, { schema: 'glance.visit/1', dwell_s: 4.2 });
  t.like(h.probe(), { embedded: true, connected: true, broker: url, outbox_depth: 0 });

  // The port is released on stop.
  await h.stop();
  t.not(await tryConnect(url, {}), 'connected');
});

test('embedded broker with authentication: a wrong password is refused, the right one subscribes', async (t) => {
  t.timeout(60_000);
  const port = await freePort();
  const h = await startStage(`mqtt: { embedded: { port: ${port}, username: backoffice, password: s3cret-pw }, healthIntervalS: 3600 }`);
  t.teardown(() => h.stop());
  const url = `mqtt://127.0.0.1:${port}`;
  t.regex(await tryConnect(url, {}), /Bad username or password|Not authorized/i);
  t.regex(await tryConnect(url, { username: 'backoffice', password: 'wrong' }), /Bad username or password|Not authorized/i);
  const sub = await Subscriber.connect(url, ['glance/glance-1/status'], { username: 'backoffice', password: 's3cret-pw' });
  t.teardown(() => sub.close());
  await sub.waitFor('status online (the daemon itself logged in)', () => sub.messages.some((m) => m.json?.state === 'online'));
  t.true(h.entries().some((e) => String(e.msg).includes('login refused')));
  t.false(h.logs().includes('s3cret-pw'), 'the password is never logged');
});

test('an embedded port already in use is a resource error naming host and port', async (t) => {
  const port = await freePort();
  const first = await startStage(`mqtt: { embedded: { port: ${port} } }`);
  t.teardown(() => first.stop());
  const err = await t.throwsAsync(() => startStage(`mqtt: { embedded: { port: ${port} } }`));
  t.is(err!.name, 'ResourceError');
  t.regex(err!.message, new RegExp(`127\\.0\\.0\\.1:${port}.*EADDRINUSE`));
});

test('stop releases every bus listener the stage added', async (t) => {
  t.timeout(60_000);
  const port = await freePort();
  const h = await startStage(`mqtt: { visits: true, embedded: { host: 127.0.0.1, port: ${port} }, healthIntervalS: 3600 }`);
  t.teardown(() => h.stop());
  const events = ['visit', 'live', 'minuteClosed'] as const;
  // This store has no onMinuteCommit hook, so minutes come from the bus.
  t.deepEqual(
    events.map((e) => h.bus.listenerCount(e)),
    [1, 1, 1],
  );
  await h.stop();
  t.deepEqual(
    events.map((e) => h.bus.listenerCount(e)),
    [0, 0, 0],
  );
});

/** Connects once without retrying; resolves with the connected client (closed at teardown). */
async function client(t: ExecutionContext, url: string, opts: mqtt.IClientOptions = {}): Promise<mqtt.MqttClient> {
  const c = await mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 5000, protocolVersion: 4, ...opts });
  t.teardown(() => c.end(true));
  return c;
}

/** Resolves true when the broker closes `c` within ms, false when it is still connected. */
function closedWithin(c: mqtt.MqttClient, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (!c.connected) return resolve(true);
    const timer = setTimeout(() => resolve(false), ms);
    c.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Every retained message a fresh subscriber to `#` is given, by topic. */
async function retained(url: string): Promise<Map<string, string>> {
  const sub = await Subscriber.connect(url, ['#']);
  await sleep(500);
  await sub.close();
  return new Map(sub.messages.filter((m) => m.retain).map((m) => [m.topic, m.text]));
}

async function embedded(t: ExecutionContext, extra = '') {
  const port = await freePort();
  const h = await startStage(`mqtt: { embedded: { port: ${port}${extra} }, healthIntervalS: 3600 }`);
  t.teardown(() => h.stop());
  const url = `mqtt://127.0.0.1:${port}`;
  const sub = await Subscriber.connect(url, ['glance/glance-1/status']);
  t.teardown(() => sub.close());
  await sub.waitFor('status online', () => sub.messages.some((m) => m.json?.state === 'online'));
  return { h, url, sub, port };
}

test("no other client can take over Glance's client id: refused, and Glance stays online without flapping", async (t) => {
  t.timeout(60_000);
  const { h, url, sub } = await embedded(t);
  for (let i = 0; i < 8; i++) t.regex(await tryConnect(url, { clientId: 'glance-glance-1' }), /Identifier rejected/i, `attempt ${i + 1}`);
  t.regex(await tryConnect(url, { clientId: 'glance-glance-1', username: 'glance-glance-1', password: 'guess' }), /Identifier rejected/i);
  await sleep(1000);
  t.deepEqual(
    sub.messages.map((m) => m.json?.state),
    ['online'],
    'one online, no offline, no reconnect',
  );
  t.true(h.probe().connected);
  t.true(h.entries().some((e) => /client id glance-glance-1 refused/.test(String(e.msg))));
});

test('only Glance publishes under its topics: spoofed status, stats and wills are refused, inputs still work', async (t) => {
  t.timeout(60_000);
  const { h, url, sub } = await embedded(t);
  const changes: Array<string | null> = [];
  h.bus.on('contentChanged', ({ contentId }) => changes.push(contentId));
  const offline = JSON.stringify({ schema: 'glance.status/1', state: 'offline' });
  for (const [topic, retain] of [
    ['glance/glance-1/status', true],
    ['glance/glance-1/stats', true],
    ['glance/glance-1/health', false],
    ['elsewhere/topic', false],
    ['glance/glance-1/command', true],
  ] as const) {
    const c = await client(t, url);
    c.publish(topic, offline, { qos: 0, retain });
    t.true(await closedWithin(c, 3000), `a publish to ${topic}${retain ? ' (retained)' : ''} closes the connection`);
  }
  // A Last Will on Glance's status, left by a client that drops without DISCONNECT, is not published.
  const dropper = await client(t, url, { will: { topic: 'glance/glance-1/status', payload: Buffer.from(offline), qos: 1, retain: true } });
  (dropper.stream as import('node:net').Socket).destroy();

  // The inputs: content/set (retained too, as a player does) and a command.
  const player = await client(t, url);
  await player.publishAsync('glance/glance-1/content/set', 'promo-7', { qos: 1, retain: true });
  await player.publishAsync('glance/glance-1/command', '{"command":"ping"}', { qos: 1 });
  await sub.waitFor('content applied', () => changes.includes('promo-7'));
  t.false(await closedWithin(player, 500), 'inputs keep the connection');
  await sleep(500);

  const kept = await retained(url);
  t.is(JSON.parse(kept.get('glance/glance-1/status')!).state, 'online', 'the retained status is still Glance’s own');
  t.false(kept.has('glance/glance-1/stats'), 'no spoofed retained stats');
  t.false(kept.has('elsewhere/topic'));
  t.is(kept.get('glance/glance-1/content/set'), 'promo-7');
  t.deepEqual(
    sub.messages.map((m) => m.json?.state),
    ['online'],
    'no offline from a spoofed will',
  );
  t.true(h.probe().connected);
});

test('retained messages cannot pile up: other clients may retain only content/set, and only input-sized', async (t) => {
  t.timeout(60_000);
  const { url } = await embedded(t);
  let closed = 0;
  for (let i = 0; i < 20; i++) {
    const c = await client(t, url);
    c.publish(`flood/${i}`, Buffer.alloc(1000, 0x61), { qos: 0, retain: true });
    if (await closedWithin(c, 3000)) closed++;
  }
  t.is(closed, 20, 'every retained flood publish closes its connection');
  const big = await client(t, url);
  big.publish('glance/glance-1/content/set', Buffer.alloc(5000, 0x61), { qos: 0, retain: true });
  t.true(await closedWithin(big, 3000), 'a retained content/set over 4096 bytes is refused');
  const kept = await retained(url);
  t.deepEqual(
    [...kept.keys()].filter((k) => !k.startsWith('glance/glance-1/')),
    [],
    'nothing retained outside Glance’s topics',
  );
  t.true(kept.size <= 3, `${kept.size} retained messages (status, health)`);
});

test('packets over mqtt.embedded.maxPacketBytes close the connection at once; smaller oversized inputs are rejected as before', async (t) => {
  t.timeout(60_000);
  const { h, url, port } = await embedded(t, ', maxPacketBytes: 16384');
  // A CONNECT whose header announces 256 MB: closed on the header, without waiting for the bytes.
  const raw = connect({ host: '127.0.0.1', port });
  raw.on('error', () => {});
  raw.on('connect', () => raw.write(Buffer.from([0x10, 0xff, 0xff, 0xff, 0x7f])));
  const started = Date.now();
  await new Promise((r) => raw.once('close', r));
  t.true(Date.now() - started < 2000, `closed after ${Date.now() - started} ms`);

  const c = await client(t, url);
  c.publish('glance/glance-1/content/set', Buffer.alloc(20_000, 0x61), { qos: 0 });
  t.true(await closedWithin(c, 3000), 'a 20 KB publish closes the connection');
  const ok = await client(t, url);
  await ok.publishAsync('glance/glance-1/content/set', Buffer.alloc(5000, 0x61), { qos: 1 });
  await sleep(300);
  t.is(h.probe().inputs_rejected, 1, 'a 5 KB input fits the packet cap and is rejected by the input parser');
  t.false(await closedWithin(ok, 300));
  t.true(h.probe().connected);
});

test('connections beyond mqtt.embedded.maxConnections are closed; Glance keeps its own', async (t) => {
  t.timeout(60_000);
  // Two allowed: the status subscriber is one of them.
  const { h, url } = await embedded(t, ', maxConnections: 2');
  await client(t, url);
  t.is(await tryConnect(url, {}), 'closed', 'a third client is refused');
  t.true(h.probe().connected, "Glance's own connection is not counted against the cap");
  t.true(h.entries().some((e) => /connection refused \(already 2 clients/.test(String(e.msg))));
});

test('a client may hold at most 100 topic filters', async (t) => {
  const { url } = await embedded(t);
  const c = await client(t, url);
  // mqtt.js rejects a SUBACK that refuses any filter; the codes are on the packet.
  const err = await t.throwsAsync(
    c.subscribeAsync(
      Array.from({ length: 101 }, (_, i) => `glance/glance-1/x${i}`),
      { qos: 0 },
    ),
  );
  const codes = (err as Error & { packet: { granted: number[] } }).packet.granted;
  t.is(codes.length, 101);
  t.deepEqual(codes.filter((g) => g === 128).length, 1, 'the 101st filter is refused (SUBACK 128)');
  t.is(codes[100], 128);
});

test('off loopback the embedded broker needs a login: a ConfigError at start naming the keys', async (t) => {
  const err = await t.throwsAsync(() => startStage('mqtt: { embedded: { host: 0.0.0.0, port: 0 } }'), { instanceOf: ConfigError });
  t.regex(err!.message, /mqtt\.embedded\.host is 0\.0\.0\.0, which is not loopback, so mqtt\.embedded\.username and mqtt\.embedded\.password are required/);
  const port = await freePort();
  const h = await startStage(`mqtt: { embedded: { host: 0.0.0.0, port: ${port}, username: backoffice, password: s3cret-pw }, healthIntervalS: 3600 }`);
  t.teardown(() => h.stop());
  const sub = await Subscriber.connect(`mqtt://127.0.0.1:${port}`, ['glance/glance-1/status'], { username: 'backoffice', password: 's3cret-pw' });
  t.teardown(() => sub.close());
  await sub.waitFor('status online', () => sub.messages.some((m) => m.json?.state === 'online'));
});
