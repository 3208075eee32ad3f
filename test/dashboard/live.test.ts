import test from 'ava';
import http from 'node:http';
import type { LiveView } from '../../src/core/types.ts';
import { harness, type Harness } from './helpers.ts';

interface SseClient {
  status: number;
  headers: http.IncomingHttpHeaders;
  // biome-ignore lint/suspicious/noExplicitAny: SSE payloads are parsed JSON, asserted field by field
  events: () => Array<{ event: string; data: any }>;
  waitFor: (n: number, timeoutMs?: number) => Promise<void>;
  ended: Promise<void>;
  close: () => void;
}

/** A real HTTP client reading /api/live as an event stream. */
function openSse(port: number, headers: Record<string, string> = {}): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/api/live', headers }, (res) => {
      let buffer = '';
      // biome-ignore lint/suspicious/noExplicitAny: as SseClient.events
      const events: Array<{ event: string; data: any }> = [];
      const waiters = new Set<() => void>();
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let idx;
        while ((idx = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, idx);
          buffer = buffer.slice(idx + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) });
        }
        waiters.forEach((w) => w());
      });
      const ended = new Promise<void>((r) => res.on('close', () => r()));
      resolve({
        status: res.statusCode!,
        headers: res.headers,
        events: () => events,
        ended,
        close: () => req.destroy(),
        waitFor: (n, timeoutMs = 5000) =>
          new Promise<void>((ok, fail) => {
            const check = () => {
              if (events.length >= n) {
                waiters.delete(check);
                clearTimeout(timer);
                ok();
              }
            };
            const timer = setTimeout(() => {
              waiters.delete(check);
              fail(new Error(`only ${events.length} of ${n} events`));
            }, timeoutMs);
            waiters.add(check);
            check();
          }),
      });
    });
    req.on('error', reject);
  });
}

/** The dashboard harness listening on a free loopback port. */
async function listening(yaml: string): Promise<{ h: Harness; port: number }> {
  const h = await harness(yaml);
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  return { h, port: (h.app.server.address() as { port: number }).port };
}

function view(n: number, extra: Record<string, unknown> = {}): LiveView {
  return {
    wallMs: Date.now(),
    width: 640,
    height: 360,
    fps: 14.5,
    people: Array.from({ length: n }, (_, i) => ({ box: { x: 10 + i * 50, y: 20, width: 40, height: 48, ...extra }, watching: i % 2 === 0 })),
  };
}

test('/api/live streams people boxes as coordinates only, with counts and fps', async (t) => {
  const { h, port } = await listening('dashboard: {liveMaxHz: 50}');
  t.teardown(h.close);
  const client = await openSse(port);
  t.teardown(client.close);
  t.is(client.status, 200);
  t.is(client.headers['content-type'], 'text/event-stream; charset=utf-8');
  t.truthy(client.headers['content-security-policy'], 'hijacked SSE response still has the security headers');

  // Anything extra on a LiveView (say a future crop or embedding) must not pass through.
  const leaky = view(3) as LiveView & { people: Array<{ crop?: unknown }> };
  leaky.people[0].crop = new Uint8Array([1, 2, 3]);
  (leaky as unknown as { frame: unknown }).frame = { data: [1, 2, 3] };
  h.bus.emit('live', leaky);
  await client.waitFor(1);
  const msg = client.events()[0];
  t.is(msg.event, 'live');
  t.is(msg.data.count, 3);
  t.is(msg.data.watching, 2);
  t.is(msg.data.fps, 14.5);
  t.deepEqual(Object.keys(msg.data).sort(), ['count', 'fps', 'height', 'people', 't', 'watching', 'width']);
  t.deepEqual(msg.data.people[0], { x: 10, y: 20, w: 40, h: 48, watching: true });
  t.notRegex(JSON.stringify(msg.data), /crop|frame|data/);
});

test('a late client gets the latest view at once; updates are throttled per client', async (t) => {
  const { h, port } = await listening('dashboard: {liveMaxHz: 2}');
  t.teardown(h.close);
  h.bus.emit('live', view(1));
  const client = await openSse(port);
  t.teardown(client.close);
  await client.waitFor(1);
  t.is(client.events()[0].data.count, 1);
  // A burst of 20 updates at 2 Hz: the next message waits ~500 ms and carries the newest state.
  for (let i = 2; i <= 21; i++) h.bus.emit('live', view(i % 5 === 0 ? 4 : 2));
  h.bus.emit('live', view(5));
  await client.waitFor(2, 3000);
  // A quiet window is the point: no third message may follow (the next one would be due 500 ms on).
  await new Promise((r) => setTimeout(r, 300));
  t.is(client.events().length, 2, 'the burst collapsed into one trailing update');
  t.is(client.events()[1].data.count, 5, 'the trailing update is the newest');
});

test('too many live clients get 503; closing the app ends open streams', async (t) => {
  const { h, port } = await listening('dashboard: {maxLiveClients: 1}');
  const first = await openSse(port);
  const second = await openSse(port);
  t.is(second.status, 503);
  second.close();
  const started = Date.now();
  await h.close();
  await first.ended;
  t.true(Date.now() - started < 3000, 'close does not wait for the stream');
  t.is(h.bus.listenerCount('live'), 0, 'the bus subscription is released');
});

test('without credentials on a non-loopback bind, /api/live is 401', async (t) => {
  const { h, port } = await listening('dashboard: {host: 0.0.0.0, token: "correct-horse-battery"}');
  t.teardown(h.close);
  const denied = await openSse(port);
  t.is(denied.status, 401);
  denied.close();
  const allowed = await openSse(port, { authorization: 'Bearer correct-horse-battery' });
  t.teardown(allowed.close);
  t.is(allowed.status, 200);
});
