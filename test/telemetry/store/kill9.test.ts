import path from 'node:path';
import test from 'ava';
import { spawnTs } from '../../helpers/process.ts';
import { openStore, tempDir } from './helpers.ts';

const fixture = path.join(import.meta.dirname, 'fixtures/burst-writer.ts');

test('kill -9 during a write burst: integrity ok, every minute reported closed present exactly once and complete', async (t) => {
  const dir = tempDir(t);
  const child = spawnTs(fixture, [dir]);
  t.teardown(() => child.child.kill('SIGKILL'));
  await child.waitFor(/ready/, 30_000);
  // Let it write a good number of minutes, then kill it mid-burst (it is always inside a write).
  const deadline = Date.now() + 30_000;
  while ((child.stdout().match(/^closed /gm)?.length ?? 0) < 40) {
    if (Date.now() > deadline) throw new Error(`burst writer too slow:\n${child.stdout()}\n${child.stderr()}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  child.child.kill('SIGKILL');
  const exit = await child.exited;
  t.is(exit.signal, 'SIGKILL');
  // Read every line the child wrote before it died ('exit' can come before the pipe is drained).
  if (!child.child.stdout!.readableEnded) await new Promise((r) => child.child.stdout!.once('end', r));
  const reported = [...child.stdout().matchAll(/closed (\d+)\n/g)].map((m) => Number(m[1]) / 1000);
  t.true(reported.length >= 40);

  const store = await openStore(dir); // recovers the WAL like the daemon would on restart
  t.teardown(() => store.close());
  t.is(store.db.pragma('integrity_check', { simple: true }), 'ok');
  const present = store.db.prepare('SELECT minute, frames FROM minute_counters ORDER BY minute').all() as Array<{ minute: number; frames: number }>;
  const cells = new Map((store.db.prepare('SELECT minute, SUM(passers_by) AS p, COUNT(*) AS n FROM minute_aggregates GROUP BY minute').all() as Array<{ minute: number; p: number; n: number }>).map((r) => [r.minute, r]));
  const outbox = store.db.prepare('SELECT payload FROM outbox').all() as Array<{ payload: string }>;
  const outboxMinutes = outbox.map((o) => Date.parse(JSON.parse(o.payload).minute) / 1000);
  for (const minute of reported) {
    t.is(present.filter((p) => p.minute === minute).length, 1, `minute ${minute} once`);
    t.is(present.find((p) => p.minute === minute)?.frames, 60);
    t.deepEqual(cells.get(minute), { minute, p: 50, n: 50 }, `minute ${minute} complete`);
    t.is(outboxMinutes.filter((m) => m === minute).length, 1, `outbox row of ${minute} committed with it`);
  }
  // At most one minute committed after the last line printed (killed between commit and print).
  t.true(present.length - reported.length <= 1 && present.length >= reported.length, `${present.length} stored, ${reported.length} reported`);
  t.is(outbox.length, present.length, 'every stored minute has its outbox row and no other has one');
  t.log(`${reported.length} minutes reported before the kill, ${present.length} stored`);
});
