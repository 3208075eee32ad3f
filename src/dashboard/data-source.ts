import type { Breakdown, Bucket } from './query.ts';

/** Totals of a range, with the breakdowns the page shows. k-anonymity already applied. */
export interface SummaryData {
  passersBy: number;
  watchers: number;
  attentionS: number;
  dwellS: number;
  byContent: Array<{ contentId: string | null; passersBy: number; watchers: number; attentionS: number; dwellS: number }>;
  byAgeGender: Array<{ ageBand: string; gender: string; passersBy: number; watchers: number }>;
}

/** Columnar series: buckets[i] is the ISO start of bucket i; each series has one value per bucket. */
export interface SeriesData {
  buckets: string[];
  series: Array<{ key: string; passersBy: number[]; watchers: number[]; attentionS: number[]; dwellS: number[] }>;
}

/**
 * What the dashboard reads from the aggregate store. The dashboard depends on this shape only, so
 * its routes never reach into SQLite; store-source.ts adapts the telemetry Store to it. Everything
 * returned has k-anonymity already applied.
 */
export interface DashboardDataSource {
  summary(range: { from: Date; to: Date }): SummaryData | Promise<SummaryData>;
  timeseries(query: { from: Date; to: Date; bucket: Bucket; by?: Breakdown }): SeriesData | Promise<SeriesData>;
}
