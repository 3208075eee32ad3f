import test from 'ava';
import { writeFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseConfig } from '../../src/config/load.ts';
import { addressBucket } from '../../src/dashboard/address-bucket.ts';
import { isLoopbackHost } from '../../src/core/loopback.ts';
import { resolveAuthPolicy } from '../../src/dashboard/auth-policy.ts';
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
  // A right token is never refused, so only its length stops a guesser: 16 characters at least.
  t.throws(() => policy('dashboard: {host: 0.0.0.0, token: "fifteen-chars-x"}'), { instanceOf: ConfigError, message: /too short \(at least 16 characters\)/ });

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

test('Bearer token for integrators; wrong tokens are rate-limited per address, the right one never is', async (t) => {
  const h = await harness(`${OFF_LOOPBACK.slice(0, -1)}, loginAttemptsPerMinute: 3}`);
  t.teardown(h.close);
  t.is((await h.app.inject({ url: '/api/health', headers: { authorization: `Bearer ${TOKEN}` } })).statusCode, 200);
  t.is((await h.app.inject({ url: '/api/health', headers: { authorization: `bearer ${TOKEN}` } })).statusCode, 200);
  for (let i = 0; i < 3; i++) {
    t.is((await h.app.inject({ url: '/api/health', headers: { authorization: `Bearer wrong-${i}-xxxxxxxx` } })).statusCode, 401);
  }
  const limited = await h.app.inject({ url: '/api/health', headers: { authorization: 'Bearer wrong-3-xxxxxxxx' } });
  t.is(limited.statusCode, 429, 'a wrong token waits once the address is limited');
  t.truthy(Number(limited.headers['retry-after']) > 0);
  const right = await h.app.inject({ url: '/api/health', headers: { authorization: `Bearer ${TOKEN}` } });
  t.is(right.statusCode, 200, 'the right token is let in although the address is limited');
  const other = await h.app.inject({ url: '/api/health', remoteAddress: '10.0.0.9', headers: { authorization: 'Bearer wrong-9-xxxxxxxx' } });
  t.is(other.statusCode, 401, 'another address is not affected');
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

const login = (h: { app: import('fastify').FastifyInstance }, token: string, remoteAddress?: string) =>
  h.app.inject({ method: 'POST', url: '/api/login', payload: { token }, ...(remoteAddress ? { remoteAddress } : {}) });

test('login failures are rate-limited; after 5 failures from one address the right token still logs in', async (t) => {
  const h = await harness(OFF_LOOPBACK);
  t.teardown(h.close);
  for (let i = 0; i < 5; i++) t.is((await login(h, `guess-${i}`)).statusCode, 401);
  const res = await login(h, 'guess-5');
  t.is(res.statusCode, 429);
  t.regex(res.json().message, /too many failed attempts/);
  const owner = await login(h, TOKEN);
  t.is(owner.statusCode, 204, 'a NAT neighbour or a local process guessing away cannot lock the owner out');
  t.regex(String(owner.headers['set-cookie']), /^glance_session=/);
});

test('the rate-limit window expires', async (t) => {
  let now = Date.parse('2025-06-15T12:00:00Z');
  const h = await harness(`${OFF_LOOPBACK.slice(0, -1)}, loginAttemptsPerMinute: 1}`, { now: () => now });
  t.teardown(h.close);
  t.is((await login(h, 'guess-guess')).statusCode, 401);
  t.is((await login(h, 'guess-again')).statusCode, 429);
  now += 61_000;
  t.is((await login(h, 'guess-later')).statusCode, 401);
});

test('IPv6 addresses count by their /64: rotating through one network does not escape the limit', async (t) => {
  const h = await harness(`${OFF_LOOPBACK.slice(0, -1)}, loginAttemptsPerMinute: 3}`);
  t.teardown(h.close);
  for (const ip of ['2001:db8:1:2::1', '2001:db8:1:2::2', '2001:db8:1:2:aaaa:bbbb:cccc:dddd']) t.is((await login(h, 'guess-guess', ip)).statusCode, 401, ip);
  t.is((await login(h, 'guess-guess', '2001:0db8:0001:0002::ffff')).statusCode, 429, 'a fourth address in the same /64 is limited');
  t.is((await login(h, 'guess-guess', '2001:db8:1:3::1')).statusCode, 401, 'the next /64 is another source');
  t.is((await login(h, TOKEN, '2001:db8:1:2::9')).statusCode, 204, 'the right token from the limited /64 logs in');
});

test('a global bucket bounds failures from all addresses together; failure lines are budgeted', async (t) => {
  // One failure per address per minute, so 20 addresses fill the global bucket (20 times that).
  const h = await harness(`${OFF_LOOPBACK.slice(0, -1)}, loginAttemptsPerMinute: 1}`);
  t.teardown(h.close);
  for (let i = 1; i <= 20; i++) t.is((await login(h, 'guess-guess', `10.1.0.${i}`)).statusCode, 401, `10.1.0.${i}`);
  t.is((await login(h, 'guess-guess', '10.1.0.21')).statusCode, 429, 'a fresh address is limited once everyone has failed 20 times');
  t.is((await login(h, TOKEN, '10.1.0.22')).statusCode, 204, 'the right token still logs in');
  for (let i = 0; i < 10; i++) await login(h, 'guess-guess', `10.2.0.${i}`);
  const lines = h
    .logs()
    .split('\n')
    .filter((l) => l.includes('"msg":"dashboard: failed login"'));
  t.is(lines.length, 20, 'the first 20 failures in a minute are logged one by one, the rest counted');
});

test('rate-limit keys: IPv4 as is, IPv4-mapped as IPv4, IPv6 by /64', (t) => {
  t.is(addressBucket('192.0.2.7'), '192.0.2.7');
  t.is(addressBucket('::ffff:192.0.2.7'), '192.0.2.7');
  t.is(addressBucket('2001:db8::1'), '2001:db8:0:0::/64');
  t.is(addressBucket('2001:DB8:0:0:1:2:3:4'), '2001:db8:0:0::/64');
  t.is(addressBucket('fe80::1%eth0'), 'fe80:0:0:0::/64');
  t.is(addressBucket('::1'), '0:0:0:0::/64');
  t.is(addressBucket('64:ff9b::192.0.2.1'), '64:ff9b:0:0::/64');
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
