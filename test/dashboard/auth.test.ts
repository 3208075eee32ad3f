import test from 'ava';
import { writeFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseConfig } from '../../src/config/load.ts';
import { isLoopbackHost, resolveAuthPolicy } from '../../src/dashboard/auth-policy.ts';
import { harness } from './helpers.ts';
import { ConfigError } from '../../src/core/errors.ts';

const TOKEN = 'correct-horse-battery';
const OFF_LOOPBACK = `dashboard: {host: 0.0.0.0, token: "${TOKEN}"}`;

test('loopback detection', (t) => {
  for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) t.true(isLoopbackHost(h), h);
  for (const h of ['0.0.0.0', '::', '192.168.1.10', 'glance.local', '128.0.0.1', '::ffff:10.0.0.1']) t.false(isLoopbackHost(h), h);
});

test('auth policy: off-loopback needs a token unless auth: none is explicit', (t) => {
  const policy = (yaml: string, env: NodeJS.ProcessEnv = {}) => resolveAuthPolicy(parseConfig(yaml).dashboard, env);
  t.false(policy('').enabled);
  t.true(policy(`dashboard: {token: "${TOKEN}"}`).enabled, 'a configured token is enforced on loopback too');
  t.true(policy(OFF_LOOPBACK).enabled);
  const err = t.throws(() => policy('dashboard: {host: 0.0.0.0}'), { instanceOf: ConfigError });
  t.regex(err!.message, /dashboard.host is 0.0.0.0, which is not loopback, so dashboard.token is required/);
  t.regex(err!.message, /dashboard.auth: none/);
  const none = policy('dashboard: {host: 0.0.0.0, auth: none}');
  t.false(none.enabled);
  t.regex(none.reason, /explicitly set/);
  t.throws(() => policy('dashboard: {host: 0.0.0.0, token: short}'), { instanceOf: ConfigError, message: /too short/ });

  const dir = mkdtempSync(path.join(os.tmpdir(), 'glance-cred-'));
  writeFileSync(path.join(dir, 'dash'), `${TOKEN}\n`);
  const fromCredential = policy('dashboard: {host: 0.0.0.0, token: {credential: dash}}', { CREDENTIALS_DIRECTORY: dir });
  t.is(fromCredential.token, TOKEN);
  t.throws(() => policy('dashboard: {host: 0.0.0.0, token: {file: /nonexistent/token}}'), { instanceOf: ConfigError, message: /dashboard.token: cannot read secret file/ });
});

test('non-loopback bind: every data route is 401 without credentials; page shell and notice stay public', async (t) => {
  const h = await harness(OFF_LOOPBACK);
  t.teardown(h.close);
  for (const url of ['/api/health', '/api/summary', '/api/timeseries', '/api/export.csv', '/api/config', '/api/info', '/api/live', '/metrics']) {
    const res = await h.app.inject(url);
    t.is(res.statusCode, 401, url);
    t.is(res.headers['www-authenticate'], 'Bearer realm="glance"', url);
    t.truthy(res.headers['content-security-policy'], url);
  }
  for (const url of ['/', '/assets/app.js', '/notice', '/api/session']) t.is((await h.app.inject(url)).statusCode, 200, url);
  t.deepEqual((await h.app.inject('/api/session')).json(), { authRequired: true, authenticated: false });
});

test('Bearer token for integrators; wrong tokens are rate-limited per address', async (t) => {
  const h = await harness(`${OFF_LOOPBACK.slice(0, -1)}, loginAttemptsPerMinute: 3}`);
  t.teardown(h.close);
  t.is((await h.app.inject({ url: '/api/health', headers: { authorization: `Bearer ${TOKEN}` } })).statusCode, 200);
  t.is((await h.app.inject({ url: '/api/health', headers: { authorization: `bearer ${TOKEN}` } })).statusCode, 200);
  for (let i = 0; i < 3; i++) {
    t.is((await h.app.inject({ url: '/api/health', headers: { authorization: `Bearer wrong-${i}-xxxxxxxx` } })).statusCode, 401);
  }
  const limited = await h.app.inject({ url: '/api/health', headers: { authorization: `Bearer ${TOKEN}` } });
  t.is(limited.statusCode, 429, 'even the right token waits once the address is limited');
  t.truthy(Number(limited.headers['retry-after']) > 0);
  const other = await h.app.inject({ url: '/api/health', remoteAddress: '10.0.0.9', headers: { authorization: `Bearer ${TOKEN}` } });
  t.is(other.statusCode, 200, 'another address is not affected');
  t.notRegex(h.logs(), new RegExp(TOKEN));
  t.regex(h.logs(), /wrong bearer token/);
});

test('browser login sets an HttpOnly SameSite=Strict session cookie; logout ends it', async (t) => {
  const h = await harness(OFF_LOOPBACK);
  t.teardown(h.close);
  const bad = await h.app.inject({ method: 'POST', url: '/api/login', payload: { token: 'not-the-token' } });
  t.is(bad.statusCode, 401);
  t.is(bad.headers['set-cookie'], undefined);

  const ok = await h.app.inject({ method: 'POST', url: '/api/login', payload: { token: TOKEN } });
  t.is(ok.statusCode, 204);
  const cookie = String(ok.headers['set-cookie']);
  t.regex(cookie, /^glance_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/);
  const session = cookie.split(';')[0];
  t.is((await h.app.inject({ url: '/api/summary', headers: { cookie: session } })).statusCode, 200);
  t.deepEqual((await h.app.inject({ url: '/api/session', headers: { cookie: session } })).json(), { authRequired: true, authenticated: true });
  t.is((await h.app.inject({ url: '/api/summary', headers: { cookie: 'glance_session=forged' } })).statusCode, 401);

  await h.app.inject({ method: 'POST', url: '/api/logout', headers: { cookie: session } });
  t.is((await h.app.inject({ url: '/api/summary', headers: { cookie: session } })).statusCode, 401);
  t.notRegex(h.logs(), new RegExp(TOKEN));
});

test('login attempts are rate-limited', async (t) => {
  const h = await harness(OFF_LOOPBACK);
  t.teardown(h.close);
  for (let i = 0; i < 5; i++) {
    t.is((await h.app.inject({ method: 'POST', url: '/api/login', payload: { token: `guess-${i}` } })).statusCode, 401);
  }
  const res = await h.app.inject({ method: 'POST', url: '/api/login', payload: { token: TOKEN } });
  t.is(res.statusCode, 429);
  t.regex(res.json().message, /too many failed attempts/);
});

test('the rate-limit window expires', async (t) => {
  let now = Date.parse('2025-06-15T12:00:00Z');
  const h = await harness(`${OFF_LOOPBACK.slice(0, -1)}, loginAttemptsPerMinute: 1}`, { now: () => now });
  t.teardown(h.close);
  t.is((await h.app.inject({ method: 'POST', url: '/api/login', payload: { token: 'guess-guess' } })).statusCode, 401);
  t.is((await h.app.inject({ method: 'POST', url: '/api/login', payload: { token: TOKEN } })).statusCode, 429);
  now += 61_000;
  t.is((await h.app.inject({ method: 'POST', url: '/api/login', payload: { token: TOKEN } })).statusCode, 204);
});

test('without auth on loopback, a foreign Host header (DNS rebinding) is refused', async (t) => {
  const h = await harness('');
  t.teardown(h.close);
  t.is((await h.app.inject({ url: '/api/summary', headers: { host: '127.0.0.1:8080' } })).statusCode, 200);
  t.is((await h.app.inject({ url: '/api/summary', headers: { host: 'localhost' } })).statusCode, 200);
  t.is((await h.app.inject({ url: '/api/summary', headers: { host: '[::1]:8080' } })).statusCode, 200);
  const res = await h.app.inject({ url: '/api/summary', headers: { host: 'evil.example:8080' } });
  t.is(res.statusCode, 421);
});

test('auth: none off loopback serves without credentials (explicit opt-out)', async (t) => {
  const h = await harness('dashboard: {host: 0.0.0.0, auth: none}');
  t.teardown(h.close);
  t.is((await h.app.inject({ url: '/api/summary', headers: { host: 'glance.shop.lan' } })).statusCode, 200);
});
