import { execFileSync } from 'node:child_process';
import { renameSync, existsSync } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { resolveFfmpegPath } from '../src/capture/executables.ts';
import { ffmpegChildren, startDaemon, tempDir } from './daemon.ts';
import { sleep, until } from '../test/helpers/wait.ts';

const CYCLES = 3;
const GONE_MS = 5000;

/**
 * The camera vanishes: its file is moved away and the ffmpeg reading it dies (a USB camera unplugged).
 * The daemon keeps running and retrying; when the file is back, frames resume by themselves.
 */
test(`camera source vanishing and returning, ${CYCLES} times: daemon keeps running, frames resume`, async (t) => {
  t.timeout(200_000);
  const dir = tempDir(t);
  const clip = path.join(dir, 'clip.mp4');
  execFileSync(resolveFfmpegPath(undefined).path, ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x180:rate=10', '-t', '3', '-c:v', 'mpeg4', '-pix_fmt', 'yuv420p', '-y', clip], { timeout: 60_000 });
  const d = await startDaemon(
    t,
    `capture: { source: "file:${clip}", width: 320, height: 180, loop: true, backoffInitialMs: 200, backoffMaxMs: 1000, stallTimeoutMs: 2000, startTimeoutMs: 5000 }\nmqtt: { enabled: false }\ndashboard: { port: 0 }`,
    { dir },
  );
  const pid = d.proc.child.pid!;
  await until('frames', d.health, (h) => h.probes.capture.captured > 10, 30_000);
  const resumeMs: number[] = [];
  for (let c = 0; c < CYCLES; c++) {
    const kids = ffmpegChildren(pid);
    t.true(kids.length >= 1, 'an ffmpeg child is reading the camera');
    renameSync(clip, `${clip}.away`);
    for (const k of kids) process.kill(k, 'SIGKILL');
    const awayAt = Date.now();
    const gone = await until('capture to notice the camera is gone', d.health, (h) => h.probes.capture.state !== 'streaming', 15_000, 200);
    // A quiet window is the point: no frame may arrive while the camera is away (GONE_MS in all,
    // and at least 3.5 s after the capture noticed).
    await sleep(Math.max(GONE_MS - 1500, GONE_MS - (Date.now() - awayAt)));
    const stillGone = await d.health();
    t.is(stillGone.probes.capture.captured, gone.probes.capture.captured, 'no frames while the camera is gone');
    t.not(stillGone.probes.capture.state, 'streaming', `capture state while gone: ${stillGone.probes.capture.state}`);
    t.is(d.proc.child.exitCode, null, 'daemon still running');
    renameSync(`${clip}.away`, clip);
    const back = Date.now();
    await until('frames resume', d.health, (h) => h.probes.capture.captured > stillGone.probes.capture.captured + 5 && h.probes.capture.state === 'streaming', 30_000, 200);
    resumeMs.push(Date.now() - back);
  }
  t.true(existsSync(clip));
  const h = await d.health();
  t.true(h.probes.capture.restarts >= CYCLES, `restarts ${h.probes.capture.restarts}`);
  t.regex(d.proc.stdout(), /clip\.mp4/, 'the failing source is named in the log');
  const exit = await d.stop();
  t.is(exit.code, 0);
  console.log(
    `camera vanishing: ${CYCLES} times gone ${GONE_MS / 1000} s: daemon kept running, ${h.probes.capture.restarts} restarts, frames resumed ${resumeMs.map((m) => (m / 1000).toFixed(1)).join(' / ')} s after the source returned`,
  );
});
