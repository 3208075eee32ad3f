import mqtt from 'mqtt';
import test from 'ava';
import { freePort } from '../../helpers/broker.ts';
import { startStage, Subscriber, visit } from './harness.ts';

/** Connects once without retrying; resolves with the CONNACK error message, or 'connected'. */
function tryConnect(url: string, opts: mqtt.IClientOptions): Promise<string> {
  return new Promise((resolve) => {
    const c = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 5000, protocolVersion: 4, ...opts });
    c.once('connect', () => c.end(true, {}, () => resolve('connected')));
    c.once('error', (err) => c.end(true, {}, () => resolve(err.message)));
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
  t.deepEqual(events.map((e) => h.bus.listenerCount(e)), [1, 1, 1]);
  await h.stop();
  t.deepEqual(events.map((e) => h.bus.listenerCount(e)), [0, 0, 0]);
});
