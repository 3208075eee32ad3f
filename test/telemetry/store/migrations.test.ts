import { createHash } from 'node:crypto';
import { chmodSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import Database from 'better-sqlite3';
import { migrate, MIGRATIONS, SCHEMA_VERSION } from '../../../src/telemetry/store/migrations.ts';
import { openDatabase } from '../../../src/telemetry/store/open-database.ts';
import { applyRetention } from '../../../src/telemetry/store/retention.ts';
import { openStore, privacy, rows, T0, tempDir, visit } from './helpers.ts';
import { runGlance } from '../../helpers/process.ts';
import { ResourceError } from '../../../src/core/errors.ts';

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

test('a new database gets every migration, WAL mode, and no backup (there was nothing to lose)', async (t) => {
  const dir = tempDir(t);
  const store = await openStore(dir);
  t.teardown(() => store.close());
  t.is(SCHEMA_VERSION, 2);
  t.is(store.db.pragma('user_version', { simple: true }), 2);
  t.is(store.db.pragma('journal_mode', { simple: true }), 'wal');
  t.deepEqual(
    readdirSync(dir).filter((f) => f === 'backups'),
    [],
  );
  const cols = store.db.prepare('SELECT name, type, "notnull" AS nn, dflt_value AS d, pk FROM pragma_table_info(\'outbox\')').all();
  t.deepEqual(cols, [
    { name: 'id', type: 'INTEGER', nn: 0, d: null, pk: 1 },
    { name: 'topic', type: 'TEXT', nn: 1, d: null, pk: 0 },
    { name: 'payload', type: 'TEXT', nn: 1, d: null, pk: 0 },
    { name: 'qos', type: 'INTEGER', nn: 1, d: '1', pk: 0 },
    { name: 'retain', type: 'INTEGER', nn: 1, d: '0', pk: 0 },
    { name: 'created_at', type: 'INTEGER', nn: 1, d: null, pk: 0 },
  ]);
});

test('an existing v1 database is backed up, then migrated; its data survives in both', async (t) => {
  const dir = tempDir(t);
  const { db, file } = openDatabase(dir);
  await migrate(db, { dataDir: dir, file, migrations: MIGRATIONS.slice(0, 1) });
  db.prepare('INSERT INTO minute_counters (minute, frames, faces) VALUES (?, 10, 3)').run(T0 / 1000);
  db.close();

  const fixed = () => Date.UTC(2025, 4, 6, 7, 8, 9);
  const store = await openStore(dir, privacy(), fixed);
  t.teardown(() => store.close());
  t.is(store.db.pragma('user_version', { simple: true }), 2);
  t.deepEqual(rows(dir, 'SELECT frames FROM minute_counters'), [{ frames: 10 }]);
  const backup = path.join(dir, 'backups', 'glance-v1-20250506T070809Z.db');
  t.deepEqual(readdirSync(path.join(dir, 'backups')), ['glance-v1-20250506T070809Z.db']);
  const old = new Database(backup, { readonly: true });
  t.is(old.pragma('user_version', { simple: true }), 1);
  t.deepEqual(old.prepare('SELECT frames FROM minute_counters').all(), [{ frames: 10 }]);
  t.deepEqual(old.prepare("SELECT name FROM sqlite_schema WHERE name = 'outbox'").all(), []);
  old.close();
});

test('a backup is dated by its newest row, so retention deletes a backup of old data with that data (issue 18)', async (t) => {
  const dir = tempDir(t);
  const { db, file } = openDatabase(dir);
  await migrate(db, { dataDir: dir, file, migrations: MIGRATIONS.slice(0, 1) });
  db.prepare('INSERT INTO minute_counters (minute, frames, faces) VALUES (?, 10, 3)').run(T0 / 1000);
  db.close();
  // The upgrade happens 100 days after the newest stored minute; retention keeps 90 days.
  const upgradeMs = T0 + 100 * 86_400_000;
  const store = await openStore(dir, privacy(), () => upgradeMs);
  t.teardown(() => store.close());
  const [name] = readdirSync(path.join(dir, 'backups'));
  t.is(statSync(path.join(dir, 'backups', name)).mtimeMs, T0 + 60_000, 'dated by the end of its newest minute');
  const result = applyRetention(store.db, dir, 90, upgradeMs);
  t.is(result.backups, 1, 'the backup holds only data past retention: it goes now, not 90 days after the upgrade');
  t.deepEqual(readdirSync(path.join(dir, 'backups')), []);
});

test('a migration that fails rolls back entirely: version and data unchanged', async (t) => {
  const dir = tempDir(t);
  const store = await openStore(dir);
  store.recordVisit(visit(T0));
  store.closeMinutes();
  const db = store.db;
  const broken = [...MIGRATIONS, { version: 3, name: 'broken', sql: 'CREATE TABLE extra (x INTEGER); INSERT INTO nowhere VALUES (1);' }];
  await t.throwsAsync(() => migrate(db, { dataDir: dir, file: store.file, migrations: broken }), { any: true, message: /no such table: nowhere/ });
  t.is(db.pragma('user_version', { simple: true }), 2);
  t.deepEqual(db.prepare("SELECT name FROM sqlite_schema WHERE name = 'extra'").all(), [], 'the half-done step left nothing');
  t.deepEqual(db.prepare('SELECT passers_by FROM minute_aggregates').all(), [{ passers_by: 1 }]);
  t.is(readdirSync(path.join(dir, 'backups')).length, 1, 'the backup was taken before trying');
  store.close();
});

test('a database from a newer Glance is refused, untouched', async (t) => {
  const dir = tempDir(t);
  const db = new Database(path.join(dir, 'glance.db'));
  db.pragma('user_version = 7');
  db.close();
  const before = sha(path.join(dir, 'glance.db'));
  const err = await t.throwsAsync(() => openStore(dir), { instanceOf: ResourceError });
  t.regex(err!.message, /schema version 7, newer than this Glance understands \(2\)/);
  t.regex(err!.message, new RegExp(path.join(dir, 'glance.db').replaceAll('/', '\\/')));
  t.is(sha(path.join(dir, 'glance.db')), before);
});

test('a file that is not a database is refused with its path, and kept', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'glance.db');
  writeFileSync(file, 'these are somebody’s notes, not a database\n'.repeat(200));
  const before = sha(file);
  const err = await t.throwsAsync(() => openStore(dir), { instanceOf: ResourceError });
  t.regex(err!.message, /glance\.db: SQLITE_NOTADB .*not a SQLite database; move it away/);
  t.is(sha(file), before);
});

test('a data directory that cannot be created or written is a ResourceError naming it', async (t) => {
  const dir = tempDir(t);
  writeFileSync(path.join(dir, 'plain-file'), '');
  const bad = path.join(dir, 'plain-file', 'data');
  const err = await t.throwsAsync(() => openStore(bad), { instanceOf: ResourceError });
  t.is(err!.message, `storage.dataDir ${bad}: cannot create it (ENOTDIR)`);
  if (process.getuid?.() !== 0) {
    const ro = path.join(dir, 'ro');
    await openStore(ro).then((s) => s.close());
    chmodSync(ro, 0o500);
    t.teardown(() => chmodSync(ro, 0o700));
    await t.throwsAsync(() => openStore(ro), { instanceOf: ResourceError, message: /is not writable/ });
  }
});

test('glance run exits 3 naming the data directory when it cannot be used', async (t) => {
  const dir = tempDir(t);
  writeFileSync(path.join(dir, 'plain-file'), '');
  writeFileSync(path.join(dir, 'glance.yaml'), '');
  const bad = path.join(dir, 'plain-file', 'data');
  const r = await runGlance(['run', '--config', path.join(dir, 'glance.yaml')], { GLANCE_STORAGE__DATA_DIR: bad }, 60_000);
  t.is(r.code, 3, r.stdout + r.stderr);
  t.true((r.stdout + r.stderr).includes(`storage.dataDir ${bad}: cannot create it (ENOTDIR)`));
});
