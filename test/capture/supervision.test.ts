import test from 'ava';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { waitFor } from '../helpers/wait.ts';
import { makeCountingClip, startCapture, tempDir } from './helpers.ts';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function loopingClip(t: Parameters<typeof tempDir>[0]): Promise<string> {
  const clip = path.join(tempDir(t), 'loop.mkv');
  await makeCountingClip(clip, { frames: 50, fps: 25, width: 64, height: 48 });
  return clip;
}

test('a source process killed mid-stream is restarted and frames resume', async (t) => {
  const clip = await loopingClip(t);
  const h = await startCapture(t, { source: `file:${clip}`, width: 64, height: 48, backoffInitialMs: 100 });
  await waitFor('streaming', () => h.capture().state === 'streaming' && h.capture().captured >= 10, 10000);
  const restartsBefore = h.capture().restarts;
  const [pid] = h.stage.sourcePids;
  process.kill(pid, 'SIGKILL');
  await waitFor('a restart', () => h.capture().restarts > restartsBefore, 5000);
  t.regex(h.capture().lastError ?? '', /ffmpeg killed by SIGKILL/);
  const before = h.capture().captured;
  await waitFor('frames after the restart', () => h.capture().state === 'streaming' && h.capture().captured >= before + 10, 10000);
  t.not(h.stage.sourcePids[0], pid, 'a new process');
  t.true(h.records.some((r) => r.msg === 'capture source stopped; restarting after backoff' && r.delayMs === 100));
});

test('a source that stops sending is detected as stalled, killed and restarted', async (t) => {
  const clip = await loopingClip(t);
  const h = await startCapture(t, { source: `file:${clip}`, width: 64, height: 48, stallTimeoutMs: 1000, backoffInitialMs: 100 });
  await waitFor('streaming', () => h.capture().state === 'streaming', 10000);
  // (On a busy machine a first start can itself be slow enough to count as a stall: count from here.)
  const restartsBefore = h.capture().restarts;
  const [pid] = h.stage.sourcePids;
  // A wedged camera: the process lives on but sends nothing.
  process.kill(pid, 'SIGSTOP');
  const pausedAt = performance.now();
  await waitFor('a restart after the stall', () => h.capture().restarts > restartsBefore, 5000);
  const detectedMs = performance.now() - pausedAt;
  // Detection within the timeout plus one watchdog tick, then the backoff before the restart.
  t.true(detectedMs >= 1000 && detectedMs < 1000 * 1.25 + 100 + 1000, `stall detected and acted on in ${detectedMs.toFixed(0)} ms`);
  t.true(h.records.some((r) => r.msg === 'capture source stalled; restarting it'));
  t.regex(h.capture().lastError ?? '', /stalled: no frame for \d+ ms/);
  await waitFor('the stalled process to be gone', () => !alive(pid), 3000);
  const before = h.capture().captured;
  await waitFor('frames after the restart', () => h.capture().state === 'streaming' && h.capture().captured > before + 5, 10000);
});

test('a source that keeps failing backs off exponentially and, with maxRestarts, ends in failed with ffmpeg’s reason', async (t) => {
  const dir = tempDir(t);
  const junk = path.join(dir, 'not-a-video.mp4');
  writeFileSync(junk, 'this is not a video\n'.repeat(100));
  const h = await startCapture(t, { source: `file:${junk}`, backoffInitialMs: 40, backoffMaxMs: 100, maxRestarts: 3 });
  await waitFor('failed', () => h.capture().state === 'failed', 15000);
  const delays = h.records.filter((r) => r.msg === 'capture source stopped; restarting after backoff').map((r) => r.delayMs);
  t.deepEqual(delays, [40, 80, 100], 'doubling, capped at backoffMaxMs');
  t.is(h.capture().restarts, 3);
  t.regex(h.capture().lastError ?? '', /ffmpeg exited with code \d+: .*invalid data/i);
  t.true(
    h.records.some((r) => r.msg === 'capture source says' && r.proc === 'ffmpeg'),
    'ffmpeg stderr is logged',
  );
});

test('stop() ends a streaming source promptly and leaves no process behind; stop during backoff too', async (t) => {
  const clip = await loopingClip(t);
  const h = await startCapture(t, { source: `file:${clip}`, width: 64, height: 48 });
  await waitFor('streaming', () => h.capture().state === 'streaming', 10000);
  const [pid] = h.stage.sourcePids;
  const t0 = performance.now();
  await h.stage.stop();
  t.true(performance.now() - t0 < 2000, 'prompt');
  t.is(h.capture().state, 'stopped');
  t.false(alive(pid));

  const dir = tempDir(t);
  const junk = path.join(dir, 'junk.mkv');
  writeFileSync(junk, 'junk');
  const b = await startCapture(t, { source: `file:${junk}`, backoffInitialMs: 60000 });
  await waitFor('backoff', () => b.capture().state === 'backoff', 10000);
  const t1 = performance.now();
  await b.stage.stop();
  t.true(performance.now() - t1 < 500, 'stop does not wait out the backoff');
});

test('start(signal) honours an abort: nothing is launched', async (t) => {
  const clip = await loopingClip(t);
  const ac = new AbortController();
  ac.abort(new Error('cancelled by test'));
  const { CaptureStage } = await import('../../src/capture/stage.ts');
  const { Mailbox } = await import('../../src/core/mailbox.ts');
  const { HealthRegistry } = await import('../../src/core/health.ts');
  const { memoryLogger, captureConfig } = await import('./helpers.ts');
  const stage = new CaptureStage({ config: captureConfig({ source: `file:${clip}` }), log: memoryLogger().log, frames: new Mailbox(), health: new HealthRegistry() });
  await t.throwsAsync(stage.start(ac.signal), { message: 'cancelled by test' });
  t.deepEqual(stage.sourcePids, []);
  await stage.stop();
});

test('a source that connects but never sends a first frame is restarted after startTimeoutMs', async (t) => {
  const http = await import('node:http');
  const hanging = http.createServer(() => {
    /* accepts the request, never answers: a camera web server that hangs */
  });
  await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    hanging.closeAllConnections();
    hanging.close();
  });
  const { port } = hanging.address() as import('node:net').AddressInfo;
  const h = await startCapture(t, { source: `http://127.0.0.1:${port}/video.mjpg`, startTimeoutMs: 500, stallTimeoutMs: 30000, backoffInitialMs: 50 });
  await waitFor('two restarts', () => h.capture().restarts >= 2, 10000);
  t.regex(h.capture().lastError ?? '', /no first frame within 500 ms/);
  t.true(h.records.some((r) => r.msg === 'capture source stalled; restarting it' && r.starting === true));
  t.is(h.capture().captured, 0);
});
