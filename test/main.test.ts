import anyTest, { type TestFn } from 'ava';

// Real processes under a loaded 2-core CI box: run these one at a time.
const test = anyTest.serial as TestFn;
import { spawnTs, repoRoot } from './helpers/process.ts';
import { fakeSystemdNotify } from './helpers/systemd-notify.ts';
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

const stageEvent = (stderr: string, event: string) =>
  stderr
    .split('\n')
    .filter((l) => l.startsWith('{"event"'))
    .map((l) => JSON.parse(l) as { event: string; at: number })
    .find((e) => e.event === event);

test('watchdog: WATCHDOG=1 every WatchdogSec/2 while every stage is live, withheld once one is not, STATUS says why', async (t) => {
  const notify = fakeSystemdNotify(t);
  const p = spawnTs(fixture, [], { SLOW_START_MS: '0', SLOW_STOP_MS: '0', UNHEALTHY_AFTER_MS: '1500', ...notify.env });
  await p.waitFor(/"event":"unhealthy"/, 30_000);
  const unhealthyAt = stageEvent(p.stderr(), 'unhealthy')!.at;
  await new Promise((r) => setTimeout(r, 3000));
  p.child.kill('SIGTERM');
  t.is((await p.exited).code, 0, p.stdout());
  const messages = notify.messages();
  t.is(messages[0]?.msg, 'READY=1', JSON.stringify(messages));
  const pings = messages.filter((m) => m.msg === 'WATCHDOG=1').map((m) => m.at);
  t.true(pings.filter((at) => at < unhealthyAt).length >= 3, `pings while live: ${pings.map((at) => at - unhealthyAt)}`);
  // A ping decided just before the switch may reach systemd-notify a little later on a loaded box.
  t.deepEqual(
    pings.filter((at) => at > unhealthyAt + 1000),
    [],
    'no ping once a stage is not live',
  );
  t.true(
    messages.some((m) => m.msg === 'STATUS=not live: b: stuck on purpose'),
    JSON.stringify(messages.map((m) => m.msg)),
  );
  t.is(p.stdout().match(/watchdog ping withheld/g)?.length, 1, 'logged once, not at every tick');
  t.is(messages.at(-1)?.msg, 'STOPPING=1');
});

test('a stage that fails at run time stops the daemon: stages stopped in reverse, exit 1 for systemd to restart it', async (t) => {
  const p = spawnTs(fixture, [], { SLOW_START_MS: '0', SLOW_STOP_MS: '0', FAIL_AFTER_MS: '300' });
  const { code } = await p.exited;
  t.is(code, 1, p.stdout());
  t.deepEqual(events(p.stderr()), ['start:a', 'start:b', 'fail:b', 'stop:b', 'stop:a']);
  t.regex(p.stdout(), /"stage":"b".*"msg":"stage failed: stopping, exit 1"/);
  t.regex(p.stdout(), /"msg":"glance stopped"/);
});
