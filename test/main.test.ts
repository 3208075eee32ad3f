import anyTest, { type TestFn } from 'ava';

// Real processes under a loaded 2-core CI box: run these one at a time.
const test = anyTest.serial as TestFn;
import { spawnTs, repoRoot } from './helpers/process.ts';
import path from 'node:path';

const fixture = path.join(repoRoot, 'test/fixtures/slow-daemon.ts');
const events = (stderr: string) =>
  stderr
    .split('\n')
    .filter((l) => l.startsWith('{"event"'))
    .map((l) => JSON.parse(l) as { event: string; name: string })
    .map((e) => `${e.event}:${e.name}`);

test('SIGTERM stops a running daemon cleanly, stages in reverse order, exit 0', async (t) => {
  const p = spawnTs(fixture, [], { SLOW_START_MS: '0', SLOW_STOP_MS: '50' });
  await p.waitFor(/glance ready/);
  p.child.kill('SIGTERM');
  const { code } = await p.exited;
  t.is(code, 0, p.stdout());
  t.deepEqual(events(p.stderr()), ['start:a', 'start:b', 'stop:b', 'stop:a']);
  // Logs are JSON lines on stdout.
  for (const line of p.stdout().trim().split('\n')) t.notThrows(() => JSON.parse(line), line);
  t.regex(p.stdout(), /"msg":"glance stopped"/);
});

test('a signal during start-up cancels it: started stages are stopped, later ones never start, exit 0', async (t) => {
  const p = spawnTs(fixture, [], { SLOW_START_MS: '60000', SLOW_STOP_MS: '0' });
  await p.waitFor(/"event":"start","name":"a"/);
  p.child.kill('SIGINT');
  const { code } = await p.exited;
  t.is(code, 0);
  t.deepEqual(events(p.stderr()), ['start:a', 'stop:a']);
  t.notRegex(p.stdout(), /glance ready/);
});

test('a second signal forces exit while a slow stop is in progress, exit 1', async (t) => {
  const p = spawnTs(fixture, [], { SLOW_START_MS: '0', SLOW_STOP_MS: '60000' });
  await p.waitFor(/glance ready/);
  p.child.kill('SIGTERM');
  await p.waitFor(/"event":"stop","name":"b"/);
  p.child.kill('SIGTERM');
  const { code } = await p.exited;
  t.is(code, 1);
  t.regex(p.stdout(), /second signal: forcing exit/);
});

test('a stop that exceeds shutdownTimeoutMs is forced, exit 1', async (t) => {
  const p = spawnTs(fixture, [], { SLOW_START_MS: '0', SLOW_STOP_MS: '60000', GLANCE_SHUTDOWN_TIMEOUT_MS: '300' });
  await p.waitFor(/glance ready/);
  p.child.kill('SIGTERM');
  const { code } = await p.exited;
  t.is(code, 1);
  t.regex(p.stdout(), /graceful stop took too long/);
});

test('an invalid config exits 2 before any stage starts', async (t) => {
  const p = spawnTs(fixture, [], { GLANCE_CAPTURE__FPS: 'fast' });
  const { code } = await p.exited;
  t.is(code, 2);
  t.regex(p.stderr(), /capture\.fps/);
  t.deepEqual(events(p.stderr()), []);
});
