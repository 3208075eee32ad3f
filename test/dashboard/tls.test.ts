import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import test from 'ava';
import { parseConfig } from '../../src/config/load.ts';
import { maskSecrets } from '../../src/config/mask.ts';
import { ConfigError, ResourceError } from '../../src/core/errors.ts';
import { makePki, opensslPath, type TestPki } from '../telemetry/mqtt/certs.ts';
import { tempDir } from '../telemetry/mqtt/harness.ts';
import { dashboardStage } from './helpers.ts';

const tlsTest = opensslPath() ? test : test.skip;
const why = opensslPath() ? '' : ' (skipped: openssl is not installed, so no certificate can be made)';
const TOKEN = 'correct-horse-battery';

let pki: TestPki;
test.before(() => {
  if (opensslPath()) pki = makePki(tempDir('glance-dash-tls-'));
});

const tlsYaml = (extra = '') => `dashboard: {host: 0.0.0.0, port: 0, token: "${TOKEN}", tls: {cert: {file: "${pki.serverCert}"}, key: {file: "${pki.serverKey}"}}${extra}}`;

/** One https request to 127.0.0.1 trusting only the test CA: status, headers and body. */
function fetchTls(port: number, path: string, opts: { method?: string; body?: string; headers?: Record<string, string> } = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: opts.method ?? 'GET', ca: readFileSync(pki.ca), headers: opts.headers, timeout: 10_000 }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

tlsTest(`dashboard.tls: https with the configured certificate, a Secure session cookie, and a non-loopback bind with the token${why}`, async (t) => {
  const { stage, logs } = await dashboardStage(t, tlsYaml());
  await stage.start(new AbortController().signal);
  t.regex(stage.address!, /^https:\/\/0\.0\.0\.0:\d+$/);
  const port = Number(new URL(stage.address!).port);
  t.regex(logs(), /dashboard listening on https:\/\/0\.0\.0\.0:\d+, auth on/);
  t.notRegex(logs(), /plain http/, 'no warning: nothing crosses the network readable');

  const login = await fetchTls(port, '/api/login', { method: 'POST', body: JSON.stringify({ token: TOKEN }), headers: { 'content-type': 'application/json' } });
  t.is(login.status, 204);
  const cookie = String(login.headers['set-cookie']);
  t.regex(cookie, /^glance_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Secure; Max-Age=43200$/);
  t.is((await fetchTls(port, '/api/summary', { headers: { cookie: cookie.split(';')[0] } })).status, 200);
  const logout = await fetchTls(port, '/api/logout', { method: 'POST', headers: { cookie: cookie.split(';')[0] } });
  t.regex(String(logout.headers['set-cookie']), /; Secure; Max-Age=0$/);
  t.is((await fetchTls(port, '/api/health')).status, 401, 'the token is still required');
  t.is((await fetchTls(port, '/api/health', { headers: { authorization: `Bearer ${TOKEN}` } })).status, 200);
  // Plain http on the same port gets no answer from the dashboard.
  await t.throwsAsync(fetch(`http://127.0.0.1:${port}/api/health`, { signal: AbortSignal.timeout(5000) }));
});

test('without TLS a non-loopback bind warns that the token crosses the network readable, and the cookie is not Secure', async (t) => {
  const { stage, logs } = await dashboardStage(t, `dashboard: {host: 0.0.0.0, port: 0, token: "${TOKEN}"}`);
  await stage.start(new AbortController().signal);
  t.regex(stage.address!, /^http:\/\//);
  t.regex(logs(), /plain http on 0\.0\.0\.0.*set dashboard\.tls/);
  const port = new URL(stage.address!).port;
  const res = await fetch(`http://127.0.0.1:${port}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: TOKEN }) });
  t.notRegex(String(res.headers.get('set-cookie')), /Secure/);
});

tlsTest(`bad dashboard.tls settings stop start-up naming the key${why}`, async (t) => {
  const start = async (yaml: string) => {
    const { stage } = await dashboardStage(t, yaml);
    return stage.start(new AbortController().signal);
  };
  const base = `dashboard: {port: 0, token: "${TOKEN}", tls: `;
  await t.throwsAsync(start(`${base}{cert: {file: "${pki.serverCert}"}}}`), { instanceOf: ConfigError, message: /dashboard.tls.cert and dashboard.tls.key go together/ });
  await t.throwsAsync(start(`${base}{cert: "${pki.serverCert}", key: {file: "${pki.serverKey}"}}}`), { instanceOf: ConfigError, message: /dashboard.tls.cert: not PEM text .*\{file: PATH\}/ });
  await t.throwsAsync(start(`${base}{cert: {file: "${pki.serverCert}"}, key: {file: /nonexistent/key.pem}}}`), { instanceOf: ResourceError, message: /dashboard.tls.key: cannot read secret file \/nonexistent\/key.pem/ });
  const mismatch = await t.throwsAsync(start(`${base}{cert: {file: "${pki.serverCert}"}, key: {file: "${pki.clientKey}"}}}`), { instanceOf: ResourceError });
  t.regex(mismatch!.message, /^dashboard.tls: .*private key that matches it/);
  t.false(mismatch!.message.includes(readFileSync(pki.clientKey, 'utf8').split('\n')[1]), 'the key is not in the message');
});

test('a dashboard.tls key given as PEM text is masked in /api/config and config check output', (t) => {
  const pemKey = '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----';
  const config = parseConfig(`dashboard: {tls: {cert: {file: /etc/glance/dashboard.crt}, key: ${JSON.stringify(pemKey)}}}`);
  const masked = maskSecrets(config) as { dashboard: { tls: { cert: unknown; key: unknown } } };
  t.deepEqual(masked.dashboard.tls, { cert: { file: '/etc/glance/dashboard.crt' }, key: '***' });
});
