import type Database from 'better-sqlite3';
import type { MinuteTotals } from '../../core/types.ts';
import type { OpenMinute } from './minute-book.ts';
import { round3 } from '../../core/numbers.ts';

/**
 * Adds one open minute to what is stored for it (its counters row and its cells), so a minute
 * written before a restart is completed, not counted twice. Runs inside the caller's transaction.
 * Returns the minute's totals as stored now (all runs' contributions).
 */
export function writeMinute(db: Database.Database, m: OpenMinute): MinuteTotals {
  const minuteS = m.minuteMs / 1000;
  db.prepare(
    `INSERT INTO minute_counters (minute, frames, faces) VALUES (?, ?, ?)
     ON CONFLICT (minute) DO UPDATE SET frames = frames + excluded.frames, faces = faces + excluded.faces`,
  ).run(minuteS, m.frames, m.faces);
  const upsert = db.prepare(
    `INSERT INTO minute_aggregates (minute, age_band, gender, emotion, content_id, passers_by, watchers, dwell_s, attention_s)
     VALUES (@minute, @ageBand, @gender, @emotion, @contentId, @passersBy, @watchers, @dwellS, @attentionS)
     ON CONFLICT (minute, age_band, gender, emotion, content_id) DO UPDATE SET
       passers_by = passers_by + excluded.passers_by, watchers = watchers + excluded.watchers,
       dwell_s = dwell_s + excluded.dwell_s, attention_s = attention_s + excluded.attention_s`,
  );
  for (const cell of m.cells.values()) upsert.run({ minute: minuteS, ...cell });
  const t = db
    .prepare(
      `SELECT c.frames AS frames, c.faces AS faces, COALESCE(SUM(a.passers_by), 0) AS passersBy, COALESCE(SUM(a.watchers), 0) AS watchers,
              COALESCE(SUM(a.dwell_s), 0) AS dwellS, COALESCE(SUM(a.attention_s), 0) AS attentionS
       FROM minute_counters c LEFT JOIN minute_aggregates a ON a.minute = c.minute WHERE c.minute = ? GROUP BY c.minute`,
    )
    .get(minuteS) as MinuteTotals;
  return { ...t, dwellS: round3(t.dwellS), attentionS: round3(t.attentionS) };
}
