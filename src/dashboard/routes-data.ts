import type { FastifyInstance } from 'fastify';
import type { PrivacyConfig } from '../config/privacy.ts';
import type { DeviceConfig } from '../config/device.ts';
import { csvLine } from './csv.ts';
import type { DashboardDataSource, SeriesData, SummaryData } from './data-source.ts';
import { round2 } from '../core/numbers.ts';
import { MAX_SUMMARY_DAYS, bucketQuerySchema, parseBucketRange, parseRange, rangeQuerySchema, type BucketQuery, type RangeQuery } from './query.ts';

const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 10_000) / 10_000 : null);
const mean = (total: number, n: number) => (n > 0 ? Math.round((total / n) * 100) / 100 : null);

/** The summary as served: store totals plus the derived rates, defined once here for page and API. */
export function summaryResponse(range: { from: Date; to: Date }, s: SummaryData, kAnonymity: number) {
  return {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    passersBy: s.passersBy,
    watchers: s.watchers,
    conversion: ratio(s.watchers, s.passersBy),
    attention: { totalS: round2(s.attentionS), meanS: mean(s.attentionS, s.watchers) },
    dwell: { totalS: round2(s.dwellS), meanS: mean(s.dwellS, s.passersBy) },
    byContent: s.byContent.map((c) => ({
      contentId: c.contentId,
      passersBy: c.passersBy,
      watchers: c.watchers,
      conversion: ratio(c.watchers, c.passersBy),
      attentionMeanS: mean(c.attentionS, c.watchers),
      dwellMeanS: mean(c.dwellS, c.passersBy),
    })),
    byAgeGender: s.byAgeGender,
    kAnonymity,
    ...breakdownSpan(s),
    ...partial(s),
  };
}

/** Which closed periods the breakdowns cover, in the same ISO format as from/to. */
function breakdownSpan(d: { breakdownPeriodS: number; breakdownFrom: string | null; breakdownTo: string | null }) {
  const at = (t: string | null) => (t === null ? null : new Date(t).toISOString());
  return { breakdownPeriodS: d.breakdownPeriodS, breakdownFrom: at(d.breakdownFrom), breakdownTo: at(d.breakdownTo) };
}

/** The flag clients check before treating figures as final (the minute in progress is included). */
function partial(d: { partialFrom: string | null }) {
  const from = d.partialFrom === null ? null : new Date(d.partialFrom).toISOString(); // same format as from/to
  return { partial: from !== null, partialFrom: from };
}

export function registerDataRoutes(app: FastifyInstance, deps: { data: DashboardDataSource; device: DeviceConfig; privacy: PrivacyConfig; now: () => number }): void {
  const { data, privacy, now } = deps;

  app.get<{ Querystring: RangeQuery }>('/api/summary', { schema: { querystring: rangeQuerySchema } }, async (req) => {
    const range = parseRange(req.query, now(), MAX_SUMMARY_DAYS);
    return summaryResponse(range, await data.summary({ ...range, includeOpen: true }), privacy.kAnonymity);
  });

  app.get<{ Querystring: BucketQuery }>('/api/timeseries', { schema: { querystring: bucketQuerySchema } }, async (req) => {
    const q = parseBucketRange(req.query, now(), 'hour');
    refuseEmotionWhenOff(req.query.by, privacy);
    const ts = await data.timeseries({ from: q.from, to: q.to, bucket: q.bucket, by: req.query.by, includeOpen: true });
    return {
      from: q.from.toISOString(),
      to: q.to.toISOString(),
      bucket: q.bucket,
      by: req.query.by ?? null,
      buckets: ts.buckets,
      series: ts.series,
      totals: ts.totals,
      kAnonymity: privacy.kAnonymity,
      ...breakdownSpan(ts),
      ...partial(ts),
    };
  });

  app.get<{ Querystring: BucketQuery }>('/api/export.csv', { schema: { querystring: bucketQuerySchema } }, async (req, reply) => {
    const q = parseBucketRange(req.query, now(), 'hour');
    refuseEmotionWhenOff(req.query.by, privacy);
    // A file is a record: only stored (final) minutes, never figures that may still change.
    const ts = await data.timeseries({ from: q.from, to: q.to, bucket: q.bucket, by: req.query.by, includeOpen: false });
    const stamp = (d: Date) => d.toISOString().slice(0, 16).replace(/[-:]/g, '');
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="glance-${deps.device.id}-${stamp(q.from)}-${stamp(q.to)}-${q.bucket}.csv"`)
      .send(toCsv(ts, req.query.by));
  });
}

/** With emotion off there is no emotion data to break down by; say so instead of an empty answer. */
function refuseEmotionWhenOff(by: string | undefined, privacy: PrivacyConfig): void {
  if (by === 'emotion' && !privacy.emotion) {
    throw Object.assign(new Error('by=emotion is unavailable: emotion inference is switched off (privacy.emotion: false)'), { statusCode: 400 });
  }
}

export function toCsv(ts: SeriesData, by: string | undefined): string {
  let out = csvLine(['bucket_start', ...(by ? [by] : []), 'passers_by', 'watchers', 'conversion', 'attention_s', 'dwell_s']);
  ts.buckets.forEach((bucket, i) => {
    for (const s of ts.series) {
      const pass = s.passersBy[i] ?? 0;
      const watch = s.watchers[i] ?? 0;
      out += csvLine([bucket, ...(by ? [s.key] : []), pass, watch, ratio(watch, pass), s.attentionS[i] ?? 0, s.dwellS[i] ?? 0]);
    }
  });
  return out;
}
