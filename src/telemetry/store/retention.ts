import { readdirSync, statSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';

export interface RetentionResult {
  /** Everything strictly before this minute start (ISO) is gone. */
  cutoff: string;
  minutes: number;
  cells: number;
  /** Outbox rows (undelivered MQTT messages) queued before the cut-off. */
  outbox: number;
  backups: number;
}

const DAY_MS = 86_400_000;

/**
 * privacy.retentionDays: deletes stored minutes that started before now − retentionDays (rounded
 * down to a minute) and outbox rows queued before then (a broker that never came back must not keep
 * data past retention), in one transaction, and migration backups older than that, since they hold
 * the same aggregates. secure_delete (set at open) overwrites the freed pages.
 */
export function applyRetention(db: Database.Database, dataDir: string, retentionDays: number, nowMs: number): RetentionResult {
  const cutoffMs = retentionCutoffMs(nowMs, retentionDays);
  const cutoffS = cutoffMs / 1000;
  const { minutes, cells, outbox } = db
    .transaction(() => ({
      cells: db.prepare('DELETE FROM minute_aggregates WHERE minute < ?').run(cutoffS).changes,
      minutes: db.prepare('DELETE FROM minute_counters WHERE minute < ?').run(cutoffS).changes,
      // created_at is Unix milliseconds (telemetry/mqtt/outbox.ts).
      outbox: db.prepare('DELETE FROM outbox WHERE created_at < ?').run(cutoffMs).changes,
    }))
    .immediate();
  let backups = 0;
  const dir = path.join(dataDir, 'backups');
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    /* no backups yet */
  }
  for (const name of names) {
    if (!/^glance-v\d+-[0-9TZ]+\.db$/.test(name)) continue;
    const file = path.join(dir, name);
    if (statSync(file).mtimeMs < cutoffMs) {
      unlinkSync(file);
      backups++;
    }
  }
  return { cutoff: new Date(cutoffMs).toISOString(), minutes, cells, outbox, backups };
}

/** Start of the oldest minute retention keeps at nowMs (the queries stop releasing periods before it). */
export function retentionCutoffMs(nowMs: number, retentionDays: number): number {
  return Math.floor((nowMs - retentionDays * DAY_MS) / 60_000) * 60_000;
}
