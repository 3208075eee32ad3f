import test from 'ava';
import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import { CONTENT_SECURITY_POLICY } from '../../src/dashboard/security-headers.ts';
import { harness, seedToday } from './helpers.ts';

const NOW = Date.parse('2025-06-15T12:00:00Z');

test('every kind of response carries the strict CSP and the other security headers', async (t) => {
  const h = await harness('', { now: () => NOW });
  t.teardown(h.close);
  for (const url of ['/', '/assets/app.js', '/notice', '/api/health', '/api/summary', '/api/summary?from=nope', '/metrics', '/no/such/page', '/api/config']) {
    const res = await h.app.inject(url);
    t.is(res.headers['content-security-policy'], CONTENT_SECURITY_POLICY, url);
    t.is(res.headers['x-content-type-options'], 'nosniff', url);
    t.is(res.headers['x-frame-options'], 'DENY', url);
    t.is(res.headers['referrer-policy'], 'no-referrer', url);
  }
  t.regex(CONTENT_SECURITY_POLICY, /default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'/);
  t.regex(CONTENT_SECURITY_POLICY, /frame-ancestors 'none'/);
  t.notRegex(CONTENT_SECURITY_POLICY, /unsafe-inline|unsafe-eval|https?:/);
});

test('the page has no inline script or style and loads nothing from another origin', async (t) => {
  const h = await harness();
  t.teardown(h.close);
  for (const url of ['/', '/notice']) {
    const html = (await h.app.inject(url)).body;
    for (const script of html.match(/<script\b[^>]*>[\s\S]*?<\/script>/g) ?? []) {
      t.regex(script, /^<script [^>]*src="\/assets\/[^"]+"[^>]*><\/script>$/, `${url}: ${script}`);
    }
    t.notRegex(html, /<style\b|\sstyle=|\son[a-z]+=/i, url);
    t.notRegex(html, /(src|href)="(https?:)?\/\//i, url);
  }
});

test('assets come from a fixed table: JS/CSS types, gzip, ETag revalidation, uPlot from npm', async (t) => {
  const h = await harness();
  t.teardown(h.close);
  const js = await h.app.inject('/assets/app.js');
  t.is(js.statusCode, 200);
  t.is(js.headers['content-type'], 'text/javascript; charset=utf-8');
  const uplot = await h.app.inject({ url: '/assets/uplot.min.js', headers: { 'accept-encoding': 'gzip, br' } });
  t.is(uplot.headers['content-encoding'], 'gzip');
  t.regex(gunzipSync(uplot.rawPayload).toString(), /uPlot/);
  const again = await h.app.inject({ url: '/assets/app.js', headers: { 'if-none-match': String(js.headers.etag) } });
  t.is(again.statusCode, 304);
  t.is((await h.app.inject('/assets/nope.js')).statusCode, 404);
});

/** Sends a raw request line over a real socket, so the path reaches the server un-normalised. */
function rawGet(port: number, rawPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: rawPath, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
    req.end();
  });
}

test('path traversal attempts never reach the filesystem', async (t) => {
  const h = await harness();
  t.teardown(h.close);
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  const port = (h.app.server.address() as { port: number }).port;
  const attempts = [
    '/assets/../../../../etc/passwd',
    '/assets/..%2f..%2f..%2f..%2fetc%2fpasswd',
    '/assets/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
    '/assets/..\\..\\..\\etc\\passwd',
    '/assets/app.js/../../package.json',
    '/assets/app.js%00.png',
    '/../package.json',
    '/assets/public/index.html',
    '/src/dashboard/server.ts',
  ];
  for (const p of attempts) {
    const res = await rawGet(port, p);
    t.true(res.status === 404 || res.status === 400, `${p} → ${res.status}`);
    t.notRegex(res.body, /root:x:0:0|"name": "glance"|import Fastify/, p);
  }
});

test('/api/config serves the effective config with every secret masked', async (t) => {
  const h = await harness(
    [
      'dashboard: {token: "dash-token-s3cret"}',
      'mqtt: {url: "mqtts://user:broker-s3cret@broker.example:8883", password: "mqtt-s3cret", embedded: {password: "embedded-s3cret"}}',
      'device: {operatorContact: "shop@example.com"}',
    ].join('\n'),
  );
  t.teardown(h.close);
  const res = await h.app.inject({ url: '/api/config', headers: { authorization: 'Bearer dash-token-s3cret' } });
  t.is(res.statusCode, 200);
  t.notRegex(res.body, /s3cret/);
  const body = res.json();
  t.is(body.dashboard.token, '***');
  t.is(body.mqtt.password, '***');
  t.is(body.mqtt.url, 'mqtts://user:***@broker.example:8883');
  t.is(body.device.operatorContact, 'shop@example.com');
  t.notRegex(h.logs(), /s3cret/);
});

test('/api/health is the MQTT health message: process figures, probes, people in view, watchers last hour', async (t) => {
  const h = await harness('device: {id: shop-7}');
  t.teardown(h.close);
  h.health.register('capture', () => ({ state: 'streaming', fps: 14.9, dropped: 3 }));
  h.bus.emit('live', { wallMs: Date.now(), width: 640, height: 360, fps: 14, people: [{ box: { x: 1, y: 1, width: 9, height: 9 }, watching: true }] });
  h.bus.emit('contentChanged', { contentId: 'spring-sale' });
  seedToday(h, { visits: 60, hours: 0.5 });
  const body = (await h.app.inject('/api/health')).json();
  t.is(body.schema, 'glance.health/1');
  t.is(body.device_id, 'shop-7');
  t.deepEqual(body.probes.capture, { state: 'streaming', fps: 14.9, dropped: 3 });
  t.is(body.probes.store.open, true);
  t.is(body.people_in_view, 1);
  t.is(body.content_id, 'spring-sale');
  t.true(body.watchers_last_hour > 0, 'watchers of the closed minutes of the last hour');
  t.true(body.rss_bytes > 1e6);
  t.is(typeof body.cpu_percent, 'number');
  t.is(body.mqtt.connected, false, 'no MQTT stage: reported as not connected');
});

test('query validation: invalid dates, reversed ranges, unknown buckets, huge ranges, unknown parameters', async (t) => {
  const h = await harness('', { now: () => NOW });
  t.teardown(h.close);
  const cases: Array<[string, RegExp]> = [
    ['/api/summary?from=2025-02-30', /from: "2025-02-30" is not a calendar date/],
    ['/api/summary?to=last%20tuesday', /to: "last tuesday" is not a date/],
    ['/api/summary?from=2025-06-10&to=2025-06-01', /from \(2025-06-10T00:00:00.000Z\) must be before to \(2025-06-01T00:00:00.000Z\)/],
    ['/api/summary?from=2000-01-01&to=2025-06-01', /range too large/],
    ['/api/summary?form=2025-06-01', /unknown query parameter "form"/],
    ['/api/timeseries?bucket=week', /bucket: must be one of minute, hour, day/],
    ['/api/timeseries?by=race', /by: must be one of age_band, gender, emotion, content/],
    ['/api/timeseries?bucket=minute&from=2024-06-15&to=2025-06-15', /at most 7 days with bucket=minute; use bucket=hour/],
    ['/api/timeseries?from=2025-06-01T10:00:00', /needs a time zone/],
    ['/api/timeseries?from=a&from=b', /from: must be string/],
    ['/api/export.csv?bucket=fortnight', /bucket: must be one of/],
    ['/api/export.csv?from=2025-06-15&to=2025-06-14', /must be before/],
    ['/api/export.csv?bucket=minute&from=2025-01-01&to=2025-06-01', /range too large/],
  ];
  for (const [url, message] of cases) {
    const res = await h.app.inject(url);
    t.is(res.statusCode, 400, url);
    t.is(res.json().error, 'Bad Request', url);
    t.regex(res.json().message, message, url);
  }
});

test('by=emotion is refused with a reason when emotion inference is off', async (t) => {
  const h = await harness('privacy: {emotion: false}', { now: () => NOW });
  t.teardown(h.close);
  const res = await h.app.inject('/api/timeseries?by=emotion');
  t.is(res.statusCode, 400);
  t.regex(res.json().message, /emotion inference is switched off/);
});

test('/notice names the operator, escapes it, and omits emotion when it is off', async (t) => {
  const on = await harness('device: {operatorContact: "Shop <b>Ltd</b>, privacy@example.com"}');
  t.teardown(on.close);
  const html = (await on.app.inject('/notice')).body;
  t.regex(html, /Anonymous audience measurement in use/);
  t.regex(html, /Shop &lt;b&gt;Ltd&lt;\/b&gt;, privacy@example.com/);
  t.regex(html, /facial expression \(emotion\)/);
  t.regex(html, /Nothing is stored about individuals/);
  t.regex(html, /Article 50\(3\)/);
  t.notRegex(html, /No operator contact is configured/);

  const off = await harness('privacy: {emotion: false}');
  t.teardown(off.close);
  const plain = (await off.app.inject('/notice')).body;
  t.notRegex(plain, /emotion/i);
  t.regex(plain, /No operator contact is configured/);
});

test('unknown routes are JSON 404s; the login route rejects bad bodies with 400', async (t) => {
  const h = await harness();
  t.teardown(h.close);
  const res = await h.app.inject('/api/nothing');
  t.is(res.statusCode, 404);
  t.is(res.json().message, 'no route GET /api/nothing');
  const bad = await h.app.inject({ method: 'POST', url: '/api/login', payload: { password: 'x' } });
  t.is(bad.statusCode, 400);
  t.regex(bad.json().message, /missing field "token"/);
});
