import anyTest, { type ExecutionContext, type TestFn } from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dashboardOrigin, runDaemon } from '../helpers/daemon.ts';
import type { Spawned } from '../helpers/process.ts';
import { fakeSystemdNotify } from '../helpers/systemd-notify.ts';

// Whole daemons with real models on 2 cores: one at a time.
const test = anyTest.serial as TestFn;

/**
 * With inference.worker (off by default, on here) the analyzer runs in a worker thread. These run
 * the real daemon on the demo source and check what a thread adds: it must end with the process, whenever
 * the signal comes, and onnxruntime must not abort the process on the way out.
 */
function daemon(t: ExecutionContext, inference = '', env: NodeJS.ProcessEnv = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'glance-worker-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return runDaemon(
    t,
    dir,
    [
      'capture: { source: demo, fps: 10 }',
      `inference: { providers: [cpu], worker: true${inference} }`,
      `storage: { dataDir: ${JSON.stringify(path.join(dir, 'data'))} }`,
      'mqtt: { enabled: false }',
      'dashboard: { host: 127.0.0.1, port: 0 }',
    ],
    env,
  );
}

/** Lines that are not the logger's JSON: native aborts ("terminate called …") land here. */
const strayStderr = (stderr: string) => stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('{'));

async function exitWithin(p: Spawned, ms: number) {
  const late = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), ms).unref());
  return Promise.race([p.exited, late]);
}

test('a running daemon with the worker analyses frames and stops on SIGTERM: exit 0, thread ended, nothing aborted', async (t) => {
  t.timeout(120_000);
  const p = daemon(t);
  await p.waitFor(/"msg":"glance ready"/, 90_000);
  // Frames went through the worker thread, and faces came back from it.
  const origin = dashboardOrigin(p);
  let inference: { thread?: string; processed?: number; faces?: number; errors?: number } = {};
  for (let i = 0; i < 40 && !(inference.faces! > 0); i++) {
    await new Promise((r) => setTimeout(r, 500));
    const health = (await (await fetch(`${origin}/api/health`)).json()) as { probes: { inference: typeof inference } };
    inference = health.probes.inference;
  }
  t.is(inference.thread, 'worker');
  t.true(inference.processed! > 0 && inference.faces! > 0, JSON.stringify(inference));
  t.is(inference.errors, 0);
  p.child.kill('SIGTERM');
  const exit = await exitWithin(p, 20_000);
  t.not(exit, 'late', `the daemon did not end within 20 s of SIGTERM:\n${p.stdout().slice(-2000)}`);
  t.deepEqual(exit, { code: 0, signal: null }, p.stderr());
  t.deepEqual(strayStderr(p.stderr()), []);
  t.regex(p.stdout(), /"msg":"glance stopped"/);
  t.notRegex(p.stdout(), /did not end after close/);
});

test('a signal while the worker is still loading models stops the daemon: the thread does not keep the process alive', async (t) => {
  t.timeout(120_000);
  const p = daemon(t);
  // Stages start sinks first; once the dashboard is up the inference stage is loading its models.
  await p.waitFor(/"stage":"dashboard","msg":"stage started"/, 90_000);
  p.child.kill('SIGINT');
  const exit = await exitWithin(p, 20_000);
  t.not(exit, 'late', `the daemon did not end within 20 s of SIGINT during start-up:\n${p.stdout().slice(-2000)}`);
  t.deepEqual(exit, { code: 0, signal: null }, p.stderr());
  t.deepEqual(strayStderr(p.stderr()), []);
  t.notRegex(p.stdout(), /"msg":"glance ready"/);
  t.regex(p.stdout(), /"msg":"glance stopped"/);
});

test('hung analyses (over analysisTimeoutMs): the worker is ended and started again, then the daemon exits 1; no ping while restarting or after', async (t) => {
  t.timeout(120_000);
  const notify = fakeSystemdNotify(t);
  // 1 ms: every real analysis is "hung"; two in a row give up.
  const p = daemon(t, ', analysisTimeoutMs: 1, maxConsecutiveFailures: 2', notify.env);
  const exit = await exitWithin(p, 100_000);
  t.not(exit, 'late', `the daemon did not give up:\n${p.stdout().slice(-3000)}`);
  t.deepEqual(exit, { code: 1, signal: null }, `${p.stdout().slice(-3000)}\nSTDERR:\n${p.stderr().slice(-3000)}`);
  const out = p.stdout();
  const order = [
    '"msg":"glance ready"',
    'analysisTimeoutMs',
    '"msg":"restarting the inference worker"',
    '"msg":"inference worker restarted"',
    '"msg":"inference gave up"',
    '"msg":"stage failed: stopping, exit 1"',
    '"msg":"glance stopped"',
  ];
  const at = order.map((s) => out.indexOf(s));
  t.deepEqual(
    order.filter((_, i) => at[i] < 0),
    [],
    'every step is logged',
  );
  t.deepEqual(
    [...at].sort((a, b) => a - b),
    at,
    'in this order',
  );
  t.deepEqual(strayStderr(p.stderr()), [], 'ending a thread mid-run did not abort the process');
  // While the new thread loads its models (seconds) systemd hears nothing; 1 s of slack for a ping already under way.
  const timeOf = (msg: string) => (JSON.parse(out.split('\n').find((l) => l.includes(`"msg":"${msg}"`))!) as { time: number }).time;
  const [restarting, restarted, gaveUp] = [timeOf('restarting the inference worker'), timeOf('inference worker restarted'), timeOf('inference gave up')];
  const pings = notify.messages().filter((m) => m.msg === 'WATCHDOG=1');
  t.deepEqual(
    pings.filter((m) => (m.at > restarting + 1000 && m.at < restarted) || m.at > gaveUp + 1000).map((m) => m.at - restarting),
    [],
    `pings during the restart (${restarted - restarting} ms) or after giving up`,
  );
  const messages = notify.messages().map((m) => m.msg);
  t.true(messages.includes('READY=1'));
  t.true(
    messages.some((m) => /^STATUS=not live: inference: (restarting the inference worker|gave up)/.test(m)),
    JSON.stringify(messages),
  );
});
