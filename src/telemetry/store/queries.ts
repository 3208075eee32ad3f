import type Database from 'better-sqlite3';
import { OTHER, type CountedCell } from './k-anonymity.ts';
import { round3 } from '../../core/numbers.ts';
import { compareKeys, releasedPeriods, sumByKeys, type KeyName } from './period-breakdowns.ts';
import { releasedSpan, type ReleaseWindow } from './periods.ts';
import { iso, range, type Instant } from './time.ts';

/**
 * The store's read side. Totals (no breakdown) are returned as they are, for any range, and can
 * include the minutes still open in memory (Pending: a UNION ALL with json_each, so they go through
 * the same SQL as the stored ones). Breakdowns are released only over whole closed periods of the
 * fixed partition (periods.ts), k-anonymised within each period (period-breakdowns.ts): every answer
 * is a sum of the same per-period cells, so no two answers differ by fewer than k people. Ranges are
 * half-open, [from, to), on minute starts; buckets are UTC.
 */
export type { Instant };
export type Bucket = 'minute' | 'hour' | 'day';
export type Breakdown = 'age_band' | 'gender' | 'emotion' | 'content';

export const BUCKET_SECONDS: Record<Bucket, number> = { minute: 60, hour: 3600, day: 86400 };
const KEY_OF: Record<Breakdown, KeyName> = { age_band: 'ageBand', gender: 'gender', emotion: 'emotion', content: 'contentId' };

export interface Totals extends CountedCell {
  frames: number;
  faces: number;
}

/**
 * The open minutes, not written yet, to read with the stored ones in totals (never in breakdowns:
 * a period with an open minute is not closed). JSON arrays because SQLite reads them with json_each
 * inside the same query.
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

/** Every stored cell plus the pending ones (@cells), for totals; SQLite pushes the minute range into both halves. */
const AGGREGATES = `(SELECT minute, age_band, gender, emotion, content_id, passers_by, watchers, dwell_s, attention_s FROM minute_aggregates
  UNION ALL SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7, value->>8 FROM json_each(@cells))`;
const COUNTERS = `(SELECT minute, frames, faces FROM minute_counters UNION ALL SELECT value->>0, value->>1, value->>2 FROM json_each(@counters))`;

/** ISO start of the oldest pending minute in [f, t), or null: from there on the figures can still change. */
function partialFrom(pending: Pending, f: number, t: number): string | null {
  const m = pending.minutes.find((s) => s >= f && s < t);
  return m === undefined ? null : iso(m);
}

/** Which whole closed periods a breakdown covers (periods.ts); both null when none fits in the range. */
export interface BreakdownSpan {
  breakdownPeriodS: number;
  breakdownFrom: string | null;
  breakdownTo: string | null;
}

export interface Summary extends Totals, BreakdownSpan {
  from: string;
  to: string;
  /** Start of the oldest minute included that is not written yet (its figures may still change), or null. */
  partialFrom: string | null;
  /** watchers / passers-by, null with no passers-by. */
  conversion: number | null;
  /** Mean attention per watcher and mean dwell per passer-by, seconds; null when undefined. */
  attentionMeanS: number | null;
  dwellMeanS: number | null;
  /** Over [breakdownFrom, breakdownTo) only. */
  byContent: Array<{ contentId: string | null } & CountedCell>;
  byAgeGender: Array<{ ageBand: string; gender: string } & CountedCell>;
  kAnonymity: number;
}

/** One value per bucket. */
export interface Columns {
  passersBy: number[];
  watchers: number[];
  dwellS: number[];
  attentionS: number[];
}

export interface Series extends Columns {
  /** Breakdown value, 'other' for merged cells, 'all' without a breakdown. */
  key: string;
}

export interface Timeseries extends BreakdownSpan {
  bucket: Bucket;
  by: Breakdown | null;
  /** ISO start of each bucket, every bucket of the range (empty ones are zeros). */
  buckets: string[];
  /** With by: the closed periods inside each bucket (none when the bucket is shorter than a period). */
  series: Series[];
  /** Totals per bucket, never suppressed (with or without by). */
  totals: Columns;
  kAnonymity: number;
  /** Start of the oldest minute included that is not written yet, or null (see Summary). */
  partialFrom: string | null;
}

/** One stored minute's totals and pipeline counters (export). */
export interface MinuteRow extends CountedCell {
  minute: string;
  frames: number;
  faces: number;
}

const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 10_000) / 10_000 : null);
const mean = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 100) / 100 : null);
const SUMS = 'SUM(passers_by) AS passersBy, SUM(watchers) AS watchers, SUM(dwell_s) AS dwellS, SUM(attention_s) AS attentionS';
const columns = (n: number): Columns => ({ passersBy: zeros(n), watchers: zeros(n), dwellS: zeros(n), attentionS: zeros(n) });
const zeros = (n: number) => new Array<number>(n).fill(0);

export class StoreQueries {
  constructor(
    private readonly db: Database.Database,
    private readonly k: number,
  ) {}

  totals(fromS: number, toS: number, pending = NOTHING_PENDING): Totals {
    const range = { from: fromS, to: toS };
    const agg = this.db.prepare(`SELECT ${SUMS} FROM ${AGGREGATES} WHERE minute >= @from AND minute < @to`).get({ ...range, cells: pending.cells }) as Partial<CountedCell>;
    const cnt = this.db.prepare(`SELECT SUM(frames) AS frames, SUM(faces) AS faces FROM ${COUNTERS} WHERE minute >= @from AND minute < @to`).get({ ...range, counters: pending.counters }) as {
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

  /** Totals of the range (open minutes included with pending); breakdowns of its whole closed periods. */
  summary(q: { from: Instant; to: Instant }, window: ReleaseWindow, pending = NOTHING_PENDING): Summary {
    const [f, t] = range(q.from, q.to);
    const totals = this.totals(f, t, pending);
    const span = releasedSpan(f, t, window);
    const released = <K extends KeyName>(keys: readonly K[]) =>
      span
        ? sumByKeys(
            releasedPeriods(this.db, { k: this.k, periodS: window.periodS, ...span, keys }).flatMap((p) => p.cells),
            keys,
          )
        : [];
    const byContent = released(['contentId'] as const)
      .map((c) => ({ ...c, contentId: c.contentId === '' ? null : c.contentId }))
      .sort((a, b) => (a.contentId === OTHER ? 1 : 0) - (b.contentId === OTHER ? 1 : 0) || b.passersBy - a.passersBy);
    const byAgeGender = released(['ageBand', 'gender'] as const).sort((a, b) => compareKeys(a.ageBand, b.ageBand) || compareKeys(a.gender, b.gender));
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
      ...spanFields(span, window),
    };
  }

  /**
   * Totals per bucket (open minutes included with pending). With by, each bucket's breakdown is the
   * sum of the closed periods inside both the bucket and the range: a bucket shorter than a period
   * never has one.
   */
  timeseries(q: { from: Instant; to: Instant; bucket: Bucket; by?: Breakdown }, window: ReleaseWindow, pending = NOTHING_PENDING): Timeseries {
    const [f, t] = range(q.from, q.to);
    const size = BUCKET_SECONDS[q.bucket];
    if (!size) throw new RangeError(`bucket: must be one of minute, hour, day (got ${String(q.bucket)})`);
    if (q.by !== undefined && !(q.by in KEY_OF)) throw new RangeError(`by: must be one of ${Object.keys(KEY_OF).join(', ')} (got ${String(q.by)})`);
    const starts: number[] = [];
    for (let b = Math.floor(f / size) * size; b < t; b += size) starts.push(b);
    const index = new Map(starts.map((s, i) => [s, i]));
    const totals = columns(starts.length);
    const rows = this.db.prepare(`SELECT minute - (minute % ${size}) AS bucket, ${SUMS} FROM ${AGGREGATES} WHERE minute >= @from AND minute < @to GROUP BY bucket`).all({ from: f, to: t, cells: pending.cells }) as Array<
      { bucket: number } & CountedCell
    >;
    for (const r of rows) {
      const i = index.get(r.bucket);
      if (i !== undefined) put(totals, i, r);
    }
    const span = releasedSpan(f, t, window);
    let series: Series[] = [{ key: 'all', ...totals }];
    if (q.by) {
      const key = KEY_OF[q.by];
      const byKey = new Map<string, Series>();
      const periods = span && window.periodS <= size ? releasedPeriods(this.db, { k: this.k, periodS: window.periodS, ...span, keys: [key] }) : [];
      for (const p of periods) {
        const i = index.get(Math.floor(p.startS / size) * size)!;
        for (const c of p.cells) {
          const name = q.by === 'content' && c[key] === '' ? 'none' : c[key];
          let s = byKey.get(name);
          if (!s) byKey.set(name, (s = { key: name, ...columns(starts.length) }));
          add(s, i, c);
        }
      }
      series = [...byKey.values()].sort((a, b) => compareKeys(a.key, b.key));
    }
    return {
      bucket: q.bucket,
      by: q.by ?? null,
      buckets: starts.map(iso),
      series,
      totals,
      kAnonymity: this.k,
      partialFrom: partialFrom(pending, f, t),
      ...spanFields(span, window),
    };
  }

  /**
   * Stored minutes of a range, oldest first: totals and pipeline counters per minute. No breakdown:
   * a minute is not a whole period, and breakdowns leave the store per period only.
   */
  minutes(from: Instant, to: Instant): MinuteRow[] {
    const [f, t] = range(from, to);
    const rows = this.db
      .prepare(
        `SELECT c.minute AS minute, c.frames AS frames, c.faces AS faces,
                COALESCE(SUM(a.passers_by), 0) AS passersBy, COALESCE(SUM(a.watchers), 0) AS watchers,
                COALESCE(SUM(a.dwell_s), 0) AS dwellS, COALESCE(SUM(a.attention_s), 0) AS attentionS
         FROM minute_counters c LEFT JOIN minute_aggregates a ON a.minute = c.minute
         WHERE c.minute >= ? AND c.minute < ? GROUP BY c.minute ORDER BY c.minute`,
      )
      .all(f, t) as Array<{ minute: number; frames: number; faces: number } & CountedCell>;
    return rows.map((r) => ({ ...r, dwellS: round3(r.dwellS), attentionS: round3(r.attentionS), minute: iso(r.minute) }));
  }

  lastClosedMinute(): number | null {
    const r = this.db.prepare('SELECT MAX(minute) AS m FROM minute_counters').get() as { m: number | null };
    return r.m;
  }
}

function spanFields(span: { fromS: number; toS: number } | null, window: ReleaseWindow): BreakdownSpan {
  return { breakdownPeriodS: window.periodS, breakdownFrom: span && iso(span.fromS), breakdownTo: span && iso(span.toS) };
}

function put(into: Columns, i: number, c: CountedCell): void {
  into.passersBy[i] = c.passersBy;
  into.watchers[i] = c.watchers;
  into.dwellS[i] = round3(c.dwellS);
  into.attentionS[i] = round3(c.attentionS);
}

/** Adds a period's cell to its bucket (a bucket may hold several periods). */
function add(into: Columns, i: number, c: CountedCell): void {
  into.passersBy[i] += c.passersBy;
  into.watchers[i] += c.watchers;
  into.dwellS[i] = round3(into.dwellS[i] + c.dwellS);
  into.attentionS[i] = round3(into.attentionS[i] + c.attentionS);
}
