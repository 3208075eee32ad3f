import { connect, type Socket } from 'node:net';
import test from 'ava';
import { IDLE_TIMEOUT_MS, REQUEST_TIMEOUT_MS } from '../../src/dashboard/http-limits.ts';
import { dashboardStage, harness } from './helpers.ts';

/** Opens a connection and resolves once it is up (or rejects). */
function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

/** Milliseconds until the server closes `s`, and what it sent first; gives up after `limitMs`. */
function closedAfter(s: Socket, limitMs: number): Promise<{ ms: number | null; reply: string }> {
  const started = Date.now();
  let reply = '';
  s.on('data', (d) => (reply += d.toString('latin1')));
  s.on('error', () => {});
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ ms: null, reply }), limitMs);
    s.once('close', () => {
      clearTimeout(timer);
      resolve({ ms: Date.now() - started, reply });
    });
  });
}

test('the server carries the request, idle and connection limits', async (t) => {
  const h = await harness('dashboard: {maxConnections: 7}');
  t.teardown(h.close);
  t.is(h.app.server.requestTimeout, REQUEST_TIMEOUT_MS);
  t.is(h.app.server.headersTimeout, REQUEST_TIMEOUT_MS);
  t.is(h.app.server.timeout, IDLE_TIMEOUT_MS);
  t.is(h.app.server.maxConnections, 7);
});

test('a POST /api/login body dripped a byte a second is cut off when the request time is up', async (t) => {
  t.timeout(60_000);
  const { stage } = await dashboardStage(t, 'dashboard: {port: 0, token: "correct-horse-battery"}');
  await stage.start(new AbortController().signal);
  const port = Number(new URL(stage.address!).port);
  const s = await open(port);
  t.teardown(() => s.destroy());
  const body = JSON.stringify({ token: 'x'.repeat(200) });
  s.write(`POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`);
  let i = 0;
  const drip = setInterval(() => s.writable && i < body.length && s.write(body[i++]), 1000);
  t.teardown(() => clearInterval(drip));
  const { ms, reply } = await closedAfter(s, REQUEST_TIMEOUT_MS + 15_000);
  t.not(ms, null, 'the connection was closed');
  t.true(ms! < REQUEST_TIMEOUT_MS + 3000, `closed after ${ms} ms`);
  t.regex(reply, /^HTTP\/1\.1 408/, 'answered 408 Request Timeout');
  // The server still serves.
  t.is((await fetch(`${stage.address}/api/session`)).status, 200);
});

test('connections beyond dashboard.maxConnections are closed at once', async (t) => {
  t.timeout(30_000);
  const { stage } = await dashboardStage(t, 'dashboard: {port: 0, maxConnections: 3}');
  await stage.start(new AbortController().signal);
  const port = Number(new URL(stage.address!).port);
  const held = await Promise.all([open(port), open(port), open(port)]);
  t.teardown(() => held.forEach((s) => s.destroy()));
  const extra = await open(port);
  const { ms } = await closedAfter(extra, 5000);
  t.not(ms, null, 'the fourth connection was closed');
  t.true(ms! < 2000, `closed after ${ms} ms`);
  held.forEach((s) => s.destroy());
  await new Promise((r) => setTimeout(r, 200));
  t.is((await fetch(`${stage.address}/api/session`)).status, 200, 'freed slots serve again');
});
