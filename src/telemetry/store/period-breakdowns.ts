import type Database from 'better-sqlite3';
import type { BreakdownRow, PeriodClosed } from '../../core/types.ts';
import { applyKAnonymity, OTHER, type CountedCell } from './k-anonymity.ts';
import { iso } from './time.ts';
import { round3 } from '../../core/numbers.ts';

/**
 * Breakdowns as they leave the store: per period of the fixed partition (periods.ts), each cell
 * k-anonymised within its period, and answers made of sums of those per-period cells. Only stored
 * minutes are read: a closed period has none left in memory.
 */
export const KEY_COLUMNS = { ageBand: 'age_band', gender: 'gender', emotion: 'emotion', contentId: 'content_id' } as const;
export type KeyName = keyof typeof KEY_COLUMNS;
/** A cell keyed by some breakdown columns (content '' when none was known; all keys 'other' when merged). */
export type Keyed<K extends KeyName> = Record<K, string> & CountedCell;

const SUMS = 'SUM(passers_by) AS passersBy, SUM(watchers) AS watchers, SUM(dwell_s) AS dwellS, SUM(attention_s) AS attentionS';

/** One collator for every comparison: localeCompare with options builds a new one per call. */
const natural = new Intl.Collator('en', { numeric: true });

/** Natural order for keys: age bands by their lower bound, then words; 'unknown' and 'other' last. */
export function compareKeys(a: string, b: string): number {
  const rank = (k: string) => (k === OTHER ? 2 : k === 'unknown' ? 1 : 0);
  return rank(a) - rank(b) || natural.compare(a, b);
}

/** The released cells of every period in [fromS, toS) that holds data, oldest first. */
export function releasedPeriods<K extends KeyName>(db: Database.Database, q: { k: number; periodS: number; fromS: number; toS: number; keys: readonly K[] }): Array<{ startS: number; cells: Array<Keyed<K>> }> {
  const cols = q.keys.map((k) => `${KEY_COLUMNS[k]} AS ${k}`).join(', ');
  const rows = db
    .prepare(
      `SELECT minute - (minute % ${q.periodS}) AS period, ${cols}, ${SUMS} FROM minute_aggregates
       WHERE minute >= ? AND minute < ? GROUP BY period, ${q.keys.join(', ')} ORDER BY period, ${q.keys.join(', ')}`,
    )
    .all(q.fromS, q.toS) as Array<{ period: number } & Keyed<K>>;
  const keyText = (c: Keyed<K>) => q.keys.map((k) => c[k]).join('\u0000');
  const other = Object.fromEntries(q.keys.map((k) => [k, OTHER])) as Record<K, string>;
  const out: Array<{ startS: number; cells: Array<Keyed<K>> }> = [];
  for (let i = 0; i < rows.length; ) {
    const startS = rows[i].period;
    const cells: Array<Keyed<K>> = [];
    for (; i < rows.length && rows[i].period === startS; i++) {
      const { period: _period, ...cell } = rows[i];
      cells.push(cell as unknown as Keyed<K>);
    }
    const released = applyKAnonymity(
      cells,
      q.k,
      (s) => ({ ...other, ...s }) as Keyed<K>,
      (a, b) => compareKeys(keyText(a), keyText(b)),
    );
    if (released.length > 0) out.push({ startS, cells: released });
  }
  return out;
}

/** Adds up cells with the same keys (from several periods): sums of released cells stay ≥ k each. */
export function sumByKeys<K extends KeyName>(cells: Iterable<Keyed<K>>, keys: readonly K[]): Array<Keyed<K>> {
  const byKey = new Map<string, Keyed<K>>();
  for (const c of cells) {
    const id = keys.map((k) => c[k]).join('\u0000');
    const into = byKey.get(id);
    if (!into) {
      byKey.set(id, { ...c });
      continue;
    }
    into.passersBy += c.passersBy;
    into.watchers += c.watchers;
    into.dwellS += c.dwellS;
    into.attentionS += c.attentionS;
  }
  return [...byKey.values()].map((c) => ({ ...c, dwellS: round3(c.dwellS), attentionS: round3(c.attentionS) }));
}

const JOINT = ['ageBand', 'gender', 'emotion', 'contentId'] as const;

/**
 * The periods in [fromS, toS) as published when they close (MQTT `breakdown`): all four keys
 * together, k-anonymised within the period, with the period's totals. Periods without data are left out.
 */
export function closedPeriods(db: Database.Database, q: { k: number; periodS: number; fromS: number; toS: number }): PeriodClosed[] {
  const totals = new Map(
    (
      db.prepare(`SELECT minute - (minute % ${q.periodS}) AS period, ${SUMS} FROM minute_aggregates WHERE minute >= ? AND minute < ? GROUP BY period ORDER BY period`).all(q.fromS, q.toS) as Array<
        { period: number } & CountedCell
      >
    ).map(({ period, ...t }) => [period, t]),
  );
  const released = new Map(releasedPeriods(db, { ...q, keys: JOINT }).map((p) => [p.startS, p.cells]));
  return [...totals.entries()].map(([startS, t]) => ({
    periodStart: iso(startS),
    durationS: q.periodS,
    rows: (released.get(startS) ?? []).map(toRow),
    totals: { passersBy: t.passersBy, watchers: t.watchers, dwellS: round3(t.dwellS), attentionS: round3(t.attentionS) },
    kAnonymity: q.k,
  }));
}

function toRow(c: Keyed<(typeof JOINT)[number]>): BreakdownRow {
  return { ...c, contentId: c.contentId === '' ? null : c.contentId, dwellS: round3(c.dwellS), attentionS: round3(c.attentionS) };
}
