import type { Breakdown, Bucket } from './query.ts';

/**
 * Marks figures that include minutes not written yet: ISO start of the oldest such minute in the
 * range (numbers from there on may still change), or null when every figure is final.
 */
interface MaybePartial {
  partialFrom: string | null;
}

/**
 * Breakdowns cover only the whole closed periods (privacy.breakdownPeriod, breakdownPeriodS long)
 * inside the range asked for: [breakdownFrom, breakdownTo), both null when none fits.
 */
interface BreakdownSpan {
  breakdownPeriodS: number;
  breakdownFrom: string | null;
  breakdownTo: string | null;
}

/** Totals of a range, with the breakdowns the page shows (over the breakdown span). k-anonymity already applied. */
export interface SummaryData extends MaybePartial, BreakdownSpan {
  passersBy: number;
  watchers: number;
  attentionS: number;
  dwellS: number;
  byContent: Array<{ contentId: string | null; passersBy: number; watchers: number; attentionS: number; dwellS: number }>;
  byAgeGender: Array<{ ageBand: string; gender: string; passersBy: number; watchers: number }>;
}

/**
 * Columnar series: buckets[i] is the ISO start of bucket i; each series has one value per bucket.
 * With a breakdown, a bucket's values are the closed periods inside it; totals are never suppressed.
 */
export interface SeriesData extends MaybePartial, BreakdownSpan {
  buckets: string[];
  series: Array<{ key: string } & Columns>;
  totals: Columns;
}

interface Columns {
  passersBy: number[];
  watchers: number[];
  attentionS: number[];
  dwellS: number[];
}

/**
 * What the dashboard reads from the aggregate store. The dashboard depends on this shape only, so
 * its routes never reach into SQLite; the telemetry Store satisfies it as it is. Everything returned
 * has k-anonymity already applied. With includeOpen the minutes the store still holds in memory
 * (the one in progress) are counted in the totals too: a manager looking at today's figures expects
 * the last few minutes in them. Breakdowns never include them (their period is not closed).
 */
export interface DashboardDataSource {
  summary(range: { from: Date; to: Date; includeOpen?: boolean }): SummaryData | Promise<SummaryData>;
  timeseries(query: { from: Date; to: Date; bucket: Bucket; by?: Breakdown; includeOpen?: boolean }): SeriesData | Promise<SeriesData>;
}
