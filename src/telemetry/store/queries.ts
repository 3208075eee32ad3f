import type Database from 'better-sqlite3';
import { applyKAnonymity, OTHER, type CountedCell } from './k-anonymity.ts';

/**
 * The store's read side. Everything returned here has k-anonymity applied to every breakdown
 * (k-anonymity.ts); totals without a breakdown are returned as they are. Ranges are half-open,
 * [from, to), on minute starts; buckets are UTC.
 *
 * summary() and timeseries() can also read the minutes still open in memory (Pending): their cells
 * go through the same SQL as the stored ones (a UNION ALL with json_each), so they are grouped and
 * k-anonymized together, never exposed on their own.
 */
export type Instant = Date | number;
export type Bucket = 'minute' | 'hour' | 'day';
export type Breakdown = 'age_band' | 'gender' | 'emotion' | 'content';

export const BUCKET_SECONDS: Record<Bucket, number> = { minute: 60, hour: 3600, day: 86400 };
const COLUMN: Record<Breakdown, string> = { age_band: 'age_band', gender: 'gender', emotion: 'emotion', content: 'content_id' };

export interface Totals extends CountedCell {
  frames: number;
  faces: number;
}

/**
 * The open minutes, not written yet, to read with the stored ones. JSON arrays because SQLite reads
 * them with json_each inside the same query (k-anonymity then sees one set of cells).
 */
export interface Pending {
  /** Starts of the open minutes, in seconds, oldest first. */
  minutes: number[];
  /** [[minute, ageBand, gender, emotion, contentId, passersBy, watchers, dwellS, attentionS], …] */
  cells: string;
  /** [[minute, frames, faces], …] */
  counters: string;
}

export const NOTHING_PENDING: Pending = { minutes: [], cells: '[]', counters: '[]' };

/** Every stored cell plus the pending ones (@cells); SQLite pushes the minute range into both halves. */
const AGGREGATES = `(SELECT minute, age_band, gender, emotion, content_id, passers_by, watchers, dwell_s, attention_s FROM minute_aggregates
  UNION ALL SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7, value->>8 FROM json_each(@cells))`;
const COUNTERS = `(SELECT minute, frames, faces FROM minute_counters UNION ALL SELECT value->>0, value->>1, value->>2 FROM json_each(@counters))`;

/** ISO start of the oldest pending minute in [f, t), or null: from there on the figures can still change. */
function partialFrom(pending: Pending, f: number, t: number): string | null {
  const m = pending.minutes.find((s) => s >= f && s < t);
  return m === undefined ? null : iso(m);
}

export interface Summary extends Totals {
  from: string;
  to: string;
  /** Start of the oldest minute included that is not written yet (its figures may still change), or null. */
  partialFrom: string | null;
  /** watchers / passers-by, null with no passers-by. */
  conversion: number | null;
  /** Mean attention per watcher and mean dwell per passer-by, seconds; null when undefined. */
  attentionMeanS: number | null;
  dwellMeanS: number | null;
  byContent: Array<{ contentId: string | null } & CountedCell>;
  byAgeGender: Array<{ ageBand: string; gender: string } & CountedCell>;
  kAnonymity: number;
}

export interface Series {
  /** Breakdown value, 'other' for merged cells, 'all' without a breakdown. */
  key: string;
  passersBy: number[];
  watchers: number[];
  dwellS: number[];
  attentionS: number[];
}

export interface Timeseries {
  bucket: Bucket;
  by: Breakdown | null;
  /** ISO start of each bucket, every bucket of the range (empty ones are zeros). */
  buckets: string[];
  series: Series[];
  kAnonymity: number;
  /** Start of the oldest minute included that is not written yet, or null (see Summary). */
  partialFrom: string | null;
}

export interface MinuteRow extends CountedCell {
  minute: string;
  /** Breakdown value when asked for one. */
  key?: string;
  frames?: number;
  faces?: number;
}

export function toSeconds(t: Instant, name: string): number {
  const ms = t instanceof Date ? t.getTime() : t;
  if (typeof ms !== 'number' || !Number.isFinite(ms)) throw new RangeError(`${name}: not a valid time`);
  return ms / 1000;
}

export function range(from: Instant, to: Instant): [number, number] {
  const f = toSeconds(from, 'from');
  const t = toSeconds(to, 'to');
  if (!(f < t)) throw new RangeError(`from (${iso(f)}) must be before to (${iso(t)})`);
  return [f, t];
}

export const iso = (seconds: number) => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
const round3 = (n: number) => Math.round(n * 1000) / 1000;
const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 10_000) / 10_000 : null);
const mean = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 100) / 100 : null);
const SUMS = 'SUM(passers_by) AS passersBy, SUM(watchers) AS watchers, SUM(dwell_s) AS dwellS, SUM(attention_s) AS attentionS';

/** Natural order for keys: age bands by their lower bound, then words; 'unknown' and 'other' last. */
export function compareKeys(a: string, b: string): number {
  const rank = (k: string) => (k === OTHER ? 2 : k === 'unknown' ? 1 : 0);
  return rank(a) - rank(b) || a.localeCompare(b, 'en', { numeric: true });
}

export class StoreQueries {
  constructor(
    private readonly db: Database.Database,
    private readonly k: number,
  ) {}

  totals(fromS: number, toS: number, pending = NOTHING_PENDING): Totals {
    const range = { from: fromS, to: toS };
    const agg = this.db.prepare(`SELECT ${SUMS} FROM ${AGGREGATES} WHERE minute >= @from AND minute < @to`).get({ ...range, cells: pending.cells }) as Partial<CountedCell>;
    const cnt = this.db
      .prepare(`SELECT SUM(frames) AS frames, SUM(faces) AS faces FROM ${COUNTERS} WHERE minute >= @from AND minute < @to`)
      .get({ ...range, counters: pending.counters }) as {
      frames: number | null;
      faces: number | null;
    };
    return {
      passersBy: agg.passersBy ?? 0,
      watchers: agg.watchers ?? 0,
      dwellS: round3(agg.dwellS ?? 0),
      attentionS: round3(agg.attentionS ?? 0),
      frames: cnt.frames ?? 0,
      faces: cnt.faces ?? 0,
    };
  }

  summary(q: { from: Instant; to: Instant }, pending = NOTHING_PENDING): Summary {
    const [f, t] = range(q.from, q.to);
    const totals = this.totals(f, t, pending);
    const params = { from: f, to: t, cells: pending.cells };
    const content = (this.db.prepare(`SELECT content_id AS contentId, ${SUMS} FROM ${AGGREGATES} WHERE minute >= @from AND minute < @to GROUP BY content_id`).all(params) as Array<
      { contentId: string } & CountedCell
    >).map((c) => ({ ...rounded(c), contentId: c.contentId === '' ? null : c.contentId }));
    const ageGender = (this.db
      .prepare(`SELECT age_band AS ageBand, gender, ${SUMS} FROM ${AGGREGATES} WHERE minute >= @from AND minute < @to GROUP BY age_band, gender`)
      .all(params) as Array<{ ageBand: string; gender: string } & CountedCell>).map(rounded);
    const byContent = applyKAnonymity(content, this.k, (s) => ({ contentId: OTHER, ...rounded(s) }), (a, b) => compareKeys(a.contentId ?? '', b.contentId ?? ''))
      .sort((a, b) => (a.contentId === OTHER ? 1 : 0) - (b.contentId === OTHER ? 1 : 0) || b.passersBy - a.passersBy);
    const byAgeGender = applyKAnonymity(ageGender, this.k, (s) => ({ ageBand: OTHER, gender: OTHER, ...rounded(s) }), (a, b) =>
      compareKeys(a.ageBand + a.gender, b.ageBand + b.gender),
    ).sort((a, b) => compareKeys(a.ageBand, b.ageBand) || compareKeys(a.gender, b.gender));
    return {
      from: iso(f),
      to: iso(t),
      partialFrom: partialFrom(pending, f, t),
      ...totals,
      conversion: ratio(totals.watchers, totals.passersBy),
      attentionMeanS: mean(totals.attentionS, totals.watchers),
      dwellMeanS: mean(totals.dwellS, totals.passersBy),
      byContent,
      byAgeGender,
      kAnonymity: this.k,
    };
  }

  timeseries(q: { from: Instant; to: Instant; bucket: Bucket; by?: Breakdown }, pending = NOTHING_PENDING): Timeseries {
    const [f, t] = range(q.from, q.to);
    const size = BUCKET_SECONDS[q.bucket];
    if (!size) throw new RangeError(`bucket: must be one of minute, hour, day (got ${String(q.bucket)})`);
    if (q.by !== undefined && !(q.by in COLUMN)) throw new RangeError(`by: must be one of ${Object.keys(COLUMN).join(', ')} (got ${String(q.by)})`);
    const first = Math.floor(f / size) * size;
    const starts: number[] = [];
    for (let b = first; b < t; b += size) starts.push(b);
    const index = new Map(starts.map((s, i) => [s, i]));
    const keyExpr = q.by ? COLUMN[q.by] : "'all'";
    const rows = this.db
      .prepare(
        `SELECT minute - (minute % ${size}) AS bucket, ${keyExpr} AS key, ${SUMS}
         FROM ${AGGREGATES} WHERE minute >= @from AND minute < @to GROUP BY bucket, key`,
      )
      .all({ from: f, to: t, cells: pending.cells }) as Array<{ bucket: number; key: string } & CountedCell>;

    // Group by bucket, apply k per bucket (not to the series: a key must reach k in each bucket).
    const perBucket = new Map<number, Array<{ key: string } & CountedCell>>();
    for (const r of rows) {
      const key = q.by === 'content' && r.key === '' ? 'none' : r.key;
      let list = perBucket.get(r.bucket);
      if (!list) perBucket.set(r.bucket, (list = []));
      list.push({ ...r, key });
    }
    const series = new Map<string, Series>();
    const seriesOf = (key: string) => {
      let s = series.get(key);
      if (!s) {
        const zeros = () => new Array<number>(starts.length).fill(0);
        series.set(key, (s = { key, passersBy: zeros(), watchers: zeros(), dwellS: zeros(), attentionS: zeros() }));
      }
      return s;
    };
    for (const [bucket, cells] of perBucket) {
      const i = index.get(bucket);
      if (i === undefined) continue;
      const visible = q.by ? applyKAnonymity(cells, this.k, (s) => ({ key: OTHER, ...s }), (a, b) => compareKeys(a.key, b.key)) : cells;
      for (const c of visible) {
        const s = seriesOf(c.key);
        s.passersBy[i] = c.passersBy;
        s.watchers[i] = c.watchers;
        s.dwellS[i] = round3(c.dwellS);
        s.attentionS[i] = round3(c.attentionS);
      }
    }
    if (!q.by && series.size === 0) seriesOf('all');
    return {
      bucket: q.bucket,
      by: q.by ?? null,
      buckets: starts.map(iso),
      series: [...series.values()].sort((a, b) => compareKeys(a.key, b.key)),
      kAnonymity: this.k,
      partialFrom: partialFrom(pending, f, t),
    };
  }

  /**
   * Stored minutes of a range, oldest first, for CSV export. Without a breakdown: one row per minute
   * with its totals and pipeline counters. With one: a row per minute and visible cell (k applied
   * within each minute, so most small-site minutes show only 'other' or nothing).
   */
  minutes(from: Instant, to: Instant, by?: Breakdown): MinuteRow[] {
    const [f, t] = range(from, to);
    if (!by) {
      const rows = this.db
        .prepare(
          `SELECT c.minute AS minute, c.frames AS frames, c.faces AS faces,
                  COALESCE(SUM(a.passers_by), 0) AS passersBy, COALESCE(SUM(a.watchers), 0) AS watchers,
                  COALESCE(SUM(a.dwell_s), 0) AS dwellS, COALESCE(SUM(a.attention_s), 0) AS attentionS
           FROM minute_counters c LEFT JOIN minute_aggregates a ON a.minute = c.minute
           WHERE c.minute >= ? AND c.minute < ? GROUP BY c.minute ORDER BY c.minute`,
        )
        .all(f, t) as Array<{ minute: number; frames: number; faces: number } & CountedCell>;
      return rows.map((r) => ({ ...rounded(r), minute: iso(r.minute) }));
    }
    if (!(by in COLUMN)) throw new RangeError(`by: must be one of ${Object.keys(COLUMN).join(', ')} (got ${String(by)})`);
    const rows = this.db
      .prepare(`SELECT minute, ${COLUMN[by]} AS key, ${SUMS} FROM minute_aggregates WHERE minute >= ? AND minute < ? GROUP BY minute, key ORDER BY minute`)
      .all(f, t) as Array<{ minute: number; key: string } & CountedCell>;
    const out: MinuteRow[] = [];
    for (let i = 0; i < rows.length; ) {
      const minute = rows[i].minute;
      const cells: Array<{ key: string } & CountedCell> = [];
      for (; i < rows.length && rows[i].minute === minute; i++) cells.push({ ...rows[i], key: by === 'content' && rows[i].key === '' ? 'none' : rows[i].key });
      const visible = applyKAnonymity(cells, this.k, (s) => ({ key: OTHER, ...s }), (a, b) => compareKeys(a.key, b.key));
      for (const c of visible.sort((a, b) => compareKeys(a.key, b.key))) {
        out.push({ minute: iso(minute), key: c.key, passersBy: c.passersBy, watchers: c.watchers, dwellS: round3(c.dwellS), attentionS: round3(c.attentionS) });
      }
    }
    return out;
  }

  lastClosedMinute(): number | null {
    const r = this.db.prepare('SELECT MAX(minute) AS m FROM minute_counters').get() as { m: number | null };
    return r.m;
  }
}

function rounded<T extends CountedCell>(c: T): T {
  return { ...c, dwellS: round3(c.dwellS), attentionS: round3(c.attentionS) };
}
