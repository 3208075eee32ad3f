import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import mqtt from 'mqtt';
import { dashboardOrigin, runDaemon } from '../helpers/daemon.ts';
import { sleep, waitFor } from '../helpers/wait.ts';

/**
 * The real daemon with an MQTT password and a dashboard token (both from files), on the demo camera
 * at debug level, exercised with right and wrong credentials: its output holds neither secret, no
 * base64 blob and no raw image data.
 */
test('logs never contain secrets, base64 blobs or image data', async (t) => {
  t.timeout(120_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'glance-hygiene-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const password = `pw-${randomBytes(12).toString('hex')}`;
  const token = `tok-${randomBytes(16).toString('hex')}`;
  writeFileSync(path.join(dir, 'mqtt-password'), `${password}\n`, { mode: 0o600 });
  writeFileSync(path.join(dir, 'dashboard-token'), `${token}\n`, { mode: 0o600 });
  const p = runDaemon(t, dir, [
    `storage: { dataDir: "${path.join(dir, 'data')}" }`,
    'capture: { source: demo, fps: 3 }',
    'inference: { providers: [cpu] }',
    `mqtt: { visits: true, embedded: { port: 0, username: glance, password: { file: "${path.join(dir, 'mqtt-password')}" } }, healthIntervalS: 2 }`,
    `dashboard: { port: 0, token: { file: "${path.join(dir, 'dashboard-token')}" } }`,
    'log: { level: debug }',
  ]);
  await p.waitFor(/"msg":"glance ready"/, 90_000);
  const out = () => p.stdout() + p.stderr();
  const url = dashboardOrigin(p);
  const broker = /embedded MQTT broker listening on (127\.0\.0\.1:\d+)/.exec(out())![1];

  // Right and wrong credentials on both doors, so that auth code paths log what they log.
  const bearer = (tok: string) => fetch(`${url}/api/health`, { headers: { authorization: `Bearer ${tok}` }, signal: AbortSignal.timeout(10_000) });
  t.is((await bearer(token)).status, 200);
  t.is((await bearer(`${token}x`)).status, 401);
  await fetch(`${url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: `${password}` }), signal: AbortSignal.timeout(10_000) });
  const cfg = await (await bearer(token)).text();
  t.false(cfg.includes(token) || cfg.includes(password), '/api/health carries no secret');
  const good = await mqtt.connectAsync(`mqtt://${broker}`, { username: 'glance', password, reconnectPeriod: 0, connectTimeout: 5000 });
  await good.endAsync();
  const bad = mqtt.connect(`mqtt://${broker}`, { username: 'glance', password: `${password}x`, reconnectPeriod: 0, connectTimeout: 5000 });
  let refused = false;
  bad.on('error', () => (refused = true));
  bad.on('close', () => (refused = true));
  await waitFor('the broker to refuse the wrong MQTT password', () => refused, 15_000);
  bad.end(true);
  // An observation window, not a wait for a state: what the daemon logs while it runs (frames,
  // visits, a few health messages) is part of what must hold no secret.
  await sleep(4000);
  p.child.kill('SIGTERM');
  const exit = await p.exited;
  t.is(exit.code, 0, out());

  const log = out();
  t.true(log.split('\n').length > 15, 'the daemon logged something at debug level');
  t.false(log.includes(password), 'MQTT password not in the logs');
  t.false(log.includes(token), 'dashboard token not in the logs');
  t.notRegex(log, /[A-Za-z0-9+/]{200,}={0,2}/, 'no base64 blob');
  t.notRegex(log, /data:image\//, 'no data: image URL');
  // Raw frames or encoded images would show up as control bytes, replacement characters or magic numbers.
  t.notRegex(log, /[\x00-\x08\x0e-\x1f\x7f]|\ufffd|\u00ff\u00d8\u00ff|\u0089PNG/, 'no binary or image data');
  t.notRegex(log, /(\d{1,3},){200}/, 'no pixel arrays');
});
