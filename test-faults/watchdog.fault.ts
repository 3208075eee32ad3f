import { execFileSync } from 'node:child_process';
import { renameSync } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { resolveFfmpegPath } from '../src/capture/executables.ts';
import { fakeSystemdNotify } from '../test/helpers/systemd-notify.ts';
import { ffmpegChildren, startDaemon, tempDir } from './daemon.ts';
import { sleep, until } from '../test/helpers/wait.ts';

const GONE_MS = 6000;

/**
 * The systemd watchdog (WATCHDOG_USEC) with the analyzer in its worker thread: pinged while frames are
 * analysed, and still pinged while the camera is gone and capture retries, since an idle camera is
 * not a hung daemon and restarting it would not bring the camera back. (Hung analyses, which must
 * stop the pings and end in exit 1, are in test/inference/worker.test.ts.)
 */
test('watchdog: pings while frames are analysed and while the camera is gone; frames resume with the camera', async (t) => {
  t.timeout(200_000);
  const dir = tempDir(t);
  const clip = path.join(dir, 'clip.mp4');
  execFileSync(resolveFfmpegPath(undefined).path, ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x180:rate=10', '-t', '3', '-c:v', 'mpeg4', '-pix_fmt', 'yuv420p', '-y', clip], { timeout: 60_000 });
  const notify = fakeSystemdNotify(t, 1_000_000);
  const d = await startDaemon(
    t,
    [
      `capture: { source: "file:${clip}", width: 320, height: 180, loop: true, backoffInitialMs: 200, backoffMaxMs: 1000, stallTimeoutMs: 2000, startTimeoutMs: 5000 }`,
      'mqtt: { enabled: false }',
      'dashboard: { port: 0 }',
    ].join('\n'),
    // The base config has its own inference section: the worker is switched on by environment.
    { dir, env: { ...notify.env, GLANCE_INFERENCE__WORKER: 'true' } },
  );
  const pings = (from: number, to = Infinity) => notify.messages().filter((m) => m.msg === 'WATCHDOG=1' && m.at >= from && m.at < to).length;
  const inference = async () => (await d.health()).probes.inference as { processed: number; thread: string; live: { ok: boolean } };

  const analysed = await until('frames analysed', inference, (i) => i.processed > 5, 60_000);
  t.true(analysed.live.ok);
  t.is(analysed.thread, 'worker');
  const streamingFrom = Date.now();
  await sleep(3000);
  t.true(pings(streamingFrom) >= 4, `${pings(streamingFrom)} pings in 3 s of frames (every 0.5 s)`);

  // The camera goes away: its file is moved and the ffmpeg reading it dies; capture retries with back-off.
  renameSync(clip, `${clip}.away`);
  for (const k of ffmpegChildren(d.proc.child.pid!)) process.kill(k, 'SIGKILL');
  await sleep(1500);
  const goneFrom = Date.now();
  const before = await inference();
  await sleep(GONE_MS - 1500);
  const after = await inference();
  t.is(after.processed, before.processed, 'no frame analysed while the camera is gone');
  t.not((await d.health()).probes.capture.state, 'streaming');
  const gonePings = pings(goneFrom);
  t.true(gonePings >= 7, `${gonePings} pings in ${(GONE_MS - 1500) / 1000} s without a camera: an idle camera is not a hang`);
  t.true(after.live.ok);
  t.false(d.proc.stdout().includes('watchdog ping withheld'), 'pings were never withheld');

  renameSync(`${clip}.away`, clip);
  await until('frames resume', inference, (i) => i.processed > after.processed + 5, 60_000, 200);
  const exit = await d.stop();
  t.is(exit.code, 0);
  console.log(`watchdog: ${pings(0)} pings in all; ${gonePings} while the camera was gone ${(GONE_MS - 1500) / 1000} s; none withheld`);
});
