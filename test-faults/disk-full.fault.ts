import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import Database from 'better-sqlite3';
import { startDaemon, tempDir } from './daemon.ts';
import { sleep, until } from '../test/helpers/wait.ts';

/** Fills the filesystem at dir with one file until ENOSPC; returns the bytes written. */
function fill(file: string): number {
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  let written = 0;
  try {
    for (let i = 0; i < 100_000; i++) {
      try {
        written += writeSync(fd, chunk);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOSPC') break;
        throw err;
      }
    }
    // Fill the last partial chunk too.
    for (let i = 0; i < 64; i++) {
      try {
        written += writeSync(fd, Buffer.alloc(1024, 1));
      } catch {
        break;
      }
    }
  } finally {
    closeSync(fd);
  }
  return written;
}

/**
 * The data directory on a small tmpfs that fills up while the daemon runs. Closing a minute fails:
 * the daemon keeps running, counts and logs the write error and keeps the minute in memory; once
 * space returns the minute is written on the next tick.
 */
test('data directory on a full filesystem: daemon keeps running, logs it, resumes writing when space returns', async (t) => {
  t.timeout(220_000);
  const dir = tempDir(t);
  const mnt = path.join(dir, 'vol');
  mkdirSync(mnt);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mnt], { stdio: 'pipe' });
  } catch (err) {
    t.log(`skipped: cannot mount a tmpfs here (needs root / CAP_SYS_ADMIN): ${String((err as Error).message).split('\n')[0]}`);
    t.pass();
    return;
  }
  t.teardown(() => {
    try {
      execFileSync('umount', ['-l', mnt], { stdio: 'pipe' });
    } catch {
      /* already gone */
    }
  });
  const data = path.join(mnt, 'data');
  const d = await startDaemon(t, 'capture: { source: demo, fps: 2 }\nmqtt: { enabled: false }\ndashboard: { port: 0 }', { dir, dataDir: data });
  await until('frames counted', d.health, (h) => h.probes.audience.frames > 3, 30_000);
  const filler = path.join(mnt, 'filler');
  const filled = fill(filler);
  const full = await until('a write error', d.health, (h) => h.probes.store.writeErrors > 0, 100_000, 1000);
  t.regex(String(full.probes.store.lastError), /full|space|disk/i, `lastError: ${full.probes.store.lastError}`);
  t.regex(d.proc.stdout(), /writing a minute failed; will retry/);
  t.is(d.proc.child.exitCode, null, 'daemon still running on a full disk');
  const closedBefore = full.probes.store.lastClosedMinute;
  // Stay full for a while (the window is the point): errors keep being counted, nothing crashes,
  // frames keep being analysed.
  await sleep(6000);
  const stillFull = await until('frames analysed on the full disk', d.health, (h) => h.probes.audience.frames > full.probes.audience.frames, 30_000);
  t.is(d.proc.child.exitCode, null);
  t.true(stillFull.probes.audience.frames > full.probes.audience.frames, 'the pipeline keeps running on a full disk');
  rmSync(filler);
  const freedAt = Date.now();
  const resumed = await until('a minute written', d.health, (h) => h.probes.store.lastClosedMinute !== closedBefore && h.probes.store.lastClosedMinute !== null, 30_000, 500);
  const resumeS = (Date.now() - freedAt) / 1000;
  const errorsAfter = resumed.probes.store.writeErrors;
  // A quiet window is the point: no write error may come in it.
  await sleep(6000);
  t.is((await d.health()).probes.store.writeErrors, errorsAfter, 'no more write errors once space is back');
  const exit = await d.stop();
  t.is(exit.code, 0, 'clean stop');
  const db = new Database(path.join(data, 'glance.db'), { readonly: true });
  t.teardown(() => db.close());
  t.is(db.pragma('integrity_check', { simple: true }), 'ok');
  const minutes = (db.prepare('SELECT COUNT(*) AS n FROM minute_counters').get() as { n: number }).n;
  t.true(minutes >= 1, 'the minute that failed on the full disk was stored');
  console.log(
    `full disk: 8 MB tmpfs filled (${(filled / 2 ** 20).toFixed(1)} MB filler): ${stillFull.probes.store.writeErrors} failed minute-write attempts counted and logged, daemon kept running; space freed → minute ${resumed.probes.store.lastClosedMinute} written ${resumeS.toFixed(1)} s later, 0 errors after; integrity ok, ${minutes} minute(s) stored`,
  );
});
