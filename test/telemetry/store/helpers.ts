import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { parseConfig } from '../../../src/config/load.ts';
import type { PrivacyConfig } from '../../../src/config/privacy.ts';
import type { Visit } from '../../../src/core/types.ts';
import { Store } from '../../../src/telemetry/store/store.ts';

export const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);
export const MIN = 60_000;

export function tempDir(t: { teardown: (fn: () => void) => void }, prefix = 'glance-store-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function privacy(yaml = ''): PrivacyConfig {
  return parseConfig(yaml ? `privacy: ${yaml}` : '').privacy;
}

export function openStore(dir: string, p: PrivacyConfig = privacy(), now?: () => number): Promise<Store> {
  return Store.open({ dataDir: dir, privacy: p, now });
}

export function visit(endedAt: number, over: Partial<Visit> = {}): Visit {
  return {
    startedAt: endedAt - 4000,
    endedAt,
    dwellS: 4,
    attentionS: 1.5,
    watcher: true,
    ageBand: '25-34',
    gender: 'female',
    emotions: { happy: 1 },
    dominantEmotion: 'happy',
    contentId: 'promo-a',
    ...over,
  };
}

/** A second, independent read-only connection: sees what is committed (WAL included), nothing in memory. */
export function readDb(dir: string): Database.Database {
  return new Database(path.join(dir, 'glance.db'), { readonly: true, fileMustExist: true });
}

export function rows<T = Record<string, unknown>>(dir: string, sql: string, ...params: unknown[]): T[] {
  const db = readDb(dir);
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

/** The only tables the database may ever hold: aggregates, counters, the MQTT outbox (and SQLite's own). */
export const EXPECTED_TABLES = ['minute_aggregates', 'minute_counters', 'outbox', 'sqlite_sequence'];

/**
 * Privacy invariants of a data directory's database, read through a separate connection (so a WAL
 * not yet checkpointed is included): only the expected tables, no views or triggers, and not one
 * BLOB value in any column of any table.
 */
export function privacyProblems(dir: string): string[] {
  const db = readDb(dir);
  const problems: string[] = [];
  try {
    const objects = db.prepare("SELECT type, name FROM sqlite_schema WHERE name NOT LIKE 'sqlite_autoindex_%' ORDER BY name").all() as Array<{ type: string; name: string }>;
    const tables = objects.filter((o) => o.type === 'table').map((o) => o.name);
    if (JSON.stringify(tables) !== JSON.stringify(EXPECTED_TABLES)) problems.push(`tables ${tables.join(', ')}`);
    for (const o of objects.filter((x) => x.type !== 'table')) problems.push(`unexpected ${o.type} ${o.name}`);
    for (const table of tables) {
      const cols = db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as Array<{ name: string }>;
      for (const { name } of cols) {
        const n = (db.prepare(`SELECT count(*) AS n FROM "${table}" WHERE typeof("${name}") = 'blob'`).get() as { n: number }).n;
        if (n > 0) problems.push(`${n} BLOB value(s) in ${table}.${name}`);
      }
    }
  } finally {
    db.close();
  }
  return problems;
}
