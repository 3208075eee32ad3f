import { mkdirSync, utimesSync } from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { ResourceError } from '../../core/errors.ts';

/**
 * The schema, one numbered step at a time. The version lives in PRAGMA user_version (the database
 * header), which a transaction covers, so a step and its version number commit together or not at all.
 * Never edit a released step: add the next one.
 *
 * Privacy by construction: STRICT tables hold only TEXT, INTEGER and REAL (no BLOB column, so no image
 * or embedding can be stored by mistake), keyed by minute and breakdown, with no per-person row and no
 * track id.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * The MQTT outbox (telemetry/mqtt/outbox.ts), as migration 2 creates it; also how tests that run MQTT
 * without the store make the table. Part of a released step: never edit it, alter it in a new one.
 */
export const OUTBOX_TABLE_SQL =
  'CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, topic TEXT NOT NULL, payload TEXT NOT NULL, qos INTEGER NOT NULL DEFAULT 1, retain INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL)';

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'per-minute aggregates and pipeline counters',
    sql: `
      -- minute: Unix seconds of the minute's start (UTC). content_id '' = no content known.
      CREATE TABLE minute_aggregates (
        minute INTEGER NOT NULL CHECK (minute % 60 = 0),
        age_band TEXT NOT NULL,
        gender TEXT NOT NULL,
        emotion TEXT NOT NULL,
        content_id TEXT NOT NULL DEFAULT '',
        passers_by INTEGER NOT NULL CHECK (passers_by > 0),
        watchers INTEGER NOT NULL CHECK (watchers >= 0 AND watchers <= passers_by),
        dwell_s REAL NOT NULL CHECK (dwell_s >= 0),
        attention_s REAL NOT NULL CHECK (attention_s >= 0),
        PRIMARY KEY (minute, age_band, gender, emotion, content_id)
      ) STRICT;
      -- One row per closed minute: its presence is what "this minute was written" means.
      CREATE TABLE minute_counters (
        minute INTEGER PRIMARY KEY CHECK (minute % 60 = 0),
        frames INTEGER NOT NULL CHECK (frames >= 0),
        faces INTEGER NOT NULL CHECK (faces >= 0)
      ) STRICT;
    `,
  },
  {
    version: 2,
    name: 'MQTT outbox',
    sql: `
      ${OUTBOX_TABLE_SQL};
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Brings the database to SCHEMA_VERSION. An existing database (one with any table) is first copied
 * with SQLite's online backup to <dataDir>/backups/glance-v<old>-<timestamp>.db, so a failed or
 * regretted upgrade loses nothing. A database newer than this program is refused, untouched.
 */
export async function migrate(
  db: Database.Database,
  opts: { dataDir: string; file: string; log?: Logger; migrations?: readonly Migration[]; now?: () => number },
): Promise<{ from: number; to: number; backup: string | null }> {
  const migrations = opts.migrations ?? MIGRATIONS;
  const latest = migrations[migrations.length - 1].version;
  const from = schemaVersion(db);
  if (from > latest) {
    throw new ResourceError(`database ${opts.file} has schema version ${from}, newer than this Glance understands (${latest}); run the newer Glance, or move the file away to start empty (it is left untouched)`);
  }
  if (from === latest) return { from, to: latest, backup: null };

  let backup: string | null = null;
  const tables = db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'").get() as { n: number };
  if (from > 0 || tables.n > 0) {
    const dir = path.join(opts.dataDir, 'backups');
    mkdirSync(dir, { recursive: true, mode: 0o750 });
    const stamp = new Date(opts.now?.() ?? Date.now())
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z');
    backup = path.join(dir, `glance-v${from}-${stamp}.db`);
    await db.backup(backup);
    // Retention deletes a backup by its file time: date it by the newest row it holds, not by when it
    // was taken, so a backup of old data goes when that data would have, not retentionDays later.
    const newestS = newestRowS(db);
    if (newestS !== null) utimesSync(backup, newestS, newestS);
    opts.log?.info({ backup, from, to: latest }, 'database backed up before migrating');
  }

  for (const m of migrations) {
    if (m.version <= from) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
    opts.log?.info({ version: m.version, name: m.name }, 'database migrated');
  }
  return { from, to: latest, backup };
}

/**
 * Seconds since epoch of the newest row in a database of any schema version: the end of its newest
 * stored minute, or its newest queued outbox message; null when it holds no row.
 */
function newestRowS(db: Database.Database): number | null {
  const has = (table: string) => db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?").get(table) !== undefined;
  const ends: number[] = [];
  if (has('minute_counters')) {
    const m = db.prepare('SELECT max(minute) AS m FROM minute_counters').get() as { m: number | null };
    if (m.m !== null) ends.push(m.m + 60);
  }
  if (has('outbox')) {
    const o = db.prepare('SELECT max(created_at) AS c FROM outbox').get() as { c: number | null };
    if (o.c !== null) ends.push(o.c / 1000);
  }
  return ends.length > 0 ? Math.max(...ends) : null;
}
