import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { openStore, privacyProblems, readDb, rows, T0, tempDir, visit } from './helpers.ts';

const fixture = path.join(import.meta.dirname, 'fixtures/privacy-run.ts');

/** Every file under dir, relative, sorted. */
function listing(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

test('a run writes nothing but the database: empty temp dir and working dir stay empty; only aggregates, no BLOBs', async (t) => {
  const data = tempDir(t, 'glance-priv-data-');
  const tmp = tempDir(t, 'glance-priv-tmp-');
  const cwd = tempDir(t, 'glance-priv-cwd-');
  const before = { data: listing(data), tmp: listing(tmp), cwd: listing(cwd) };
  t.deepEqual(before, { data: [], tmp: [], cwd: [] });
  const tsx = import.meta.resolve('tsx');
  const child = spawn(process.execPath, ['--import', tsx, fixture, data], {
    cwd,
    // TMPDIR points os.tmpdir() (and SQLite's temp files, were any made) at the watched folder;
    // tsx's own transform cache is switched off so that only Glance could write there.
    env: { ...process.env, TMPDIR: tmp, TSX_DISABLE_CACHE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await new Promise<number | null>((r) => child.on('close', r));
  clearTimeout(timer);
  t.is(code, 0, out);
  const visits = Number(/visits (\d+)/.exec(out)?.[1]);
  t.is(visits, 8);

  t.deepEqual(listing(tmp), [], 'nothing written to the temp dir');
  t.deepEqual(listing(cwd), [], 'nothing written to the working dir');
  t.deepEqual(listing(data), ['glance.db'], 'the data dir holds the database only (WAL checkpointed and removed at close)');
  t.deepEqual(privacyProblems(data), []);
  t.deepEqual(rows(data, 'SELECT SUM(passers_by) AS p FROM minute_aggregates'), [{ p: 8 }]);
  t.notRegex(out, /"trackId"|"id":"[0-9a-f]{16}"/, 'no track id in the logs');
});

test('the WAL is covered: invariants hold while minutes sit un-checkpointed in glance.db-wal', async (t) => {
  const dir = tempDir(t);
  const store = await openStore(dir);
  t.teardown(() => store.close());
  for (let m = 0; m < 5; m++) {
    for (let i = 0; i < 20; i++) store.recordVisit(visit(T0 + m * 60_000 + i, { ageBand: ['18-24', '25-34'][i % 2], contentId: `c${i % 3}` }));
    store.recordFrame({ wallMs: T0 + m * 60_000, faces: 3 });
  }
  store.closeMinutes();
  t.true(statSync(path.join(dir, 'glance.db-wal')).size > 0, 'the minutes are in the WAL');
  t.deepEqual(privacyProblems(dir), []);
  const db = readDb(dir);
  t.is((db.prepare('SELECT SUM(passers_by) AS p FROM minute_aggregates').get() as { p: number }).p, 100, 'the reader sees the WAL contents');
  db.close();
  // A BLOB cannot get in even by mistake: the tables are STRICT with no BLOB column.
  t.throws(() => store.db.prepare('INSERT INTO minute_counters (minute, frames, faces) VALUES (0, ?, 0)').run(Buffer.from([0xff, 0xd8, 0xff])), {
    any: true,
    message: /cannot store BLOB value in INTEGER column/,
  });
});
