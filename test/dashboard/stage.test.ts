import test from 'ava';
import net from 'node:net';
import { dashboardStage as stage } from './helpers.ts';
import { ConfigError, ResourceError } from '../../src/core/errors.ts';

test('starts on a loopback port, says whether auth is on, serves, and stops', async (t) => {
  const { stage: s, logs, health } = await stage(t, 'dashboard: {port: 0}');
  await s.start(new AbortController().signal);
  t.regex(s.address!, /^http:\/\/127\.0\.0\.1:\d+$/);
  t.regex(logs(), /dashboard listening on http:\/\/127\.0\.0\.1:\d+, auth off \(bound to loopback/);
  const res = await fetch(`${s.address}/api/health`);
  t.is(res.status, 200);
  const body = await res.json();
  t.is(typeof body.disk_free_bytes, 'number', 'storage.dataDir reached the health view');
  t.like(body.probes, { dashboard: { auth: false }, store: { open: true } });
  await s.stop();
  await t.throwsAsync(fetch(`${s.address}/api/health`));
  t.is(health.snapshot().dashboard, undefined);
});

test('a port in use is a ResourceError (exit 3)', async (t) => {
  const blocker = net.createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => blocker.close(() => r())));
  const port = (blocker.address() as net.AddressInfo).port;
  const { stage: s } = await stage(t, `dashboard: {port: ${port}}`);
  const err = await t.throwsAsync(s.start(new AbortController().signal), { instanceOf: ResourceError });
  t.regex(err!.message, new RegExp(`cannot listen on 127.0.0.1:${port}: the port is already in use`));
  await s.stop();
});

test('off loopback without a token, start-up fails with a ConfigError saying so', async (t) => {
  const { stage: s } = await stage(t, 'dashboard: {host: 0.0.0.0, port: 0}');
  const err = await t.throwsAsync(s.start(new AbortController().signal), { instanceOf: ConfigError });
  t.regex(err!.message, /dashboard.token is required/);
});

test('with a token the log says auth is on, and never shows the token', async (t) => {
  const { stage: s, logs } = await stage(t, 'dashboard: {port: 0, token: "correct-horse-battery"}');
  await s.start(new AbortController().signal);
  t.regex(logs(), /auth on \(token configured\)/);
  t.notRegex(logs(), /correct-horse-battery/);
  t.is((await fetch(`${s.address}/api/summary`)).status, 401);
  t.is((await fetch(`${s.address}/api/summary`, { headers: { authorization: 'Bearer correct-horse-battery' } })).status, 200);
});

test('dashboard.enabled: false starts nothing', async (t) => {
  const { stage: s, logs } = await stage(t, 'dashboard: {enabled: false}');
  await s.start(new AbortController().signal);
  t.is(s.address, undefined);
  t.regex(logs(), /dashboard disabled/);
  await s.stop();
});

test('stop releases every bus listener the dashboard added, and only those', async (t) => {
  const { stage: s, bus } = await stage(t, 'dashboard: {port: 0}');
  const events = ['faces', 'visit', 'minuteClosed', 'live', 'contentChanged'] as const;
  const counts = () => events.map((e) => bus.listenerCount(e));
  const before = counts();
  await s.start(new AbortController().signal);
  t.true(
    events.every((e, i) => bus.listenerCount(e) > before[i]),
    'metrics, live stream and health view listen to every event',
  );
  await s.stop();
  t.deepEqual(counts(), before, 'the store stage keeps its own listeners');
});
