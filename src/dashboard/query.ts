/**
 * Query parameters of the data routes: JSON schemas (validated by fastify before a handler runs) and
 * the checks a schema cannot express (real calendar dates, from < to, range caps per bucket). Every
 * rejection is a 400 whose message names the parameter and says what would be accepted.
 */
export const BUCKETS = ['minute', 'hour', 'day'] as const;
export type Bucket = (typeof BUCKETS)[number];
export const BREAKDOWNS = ['age_band', 'gender', 'emotion', 'content'] as const;
export type Breakdown = (typeof BREAKDOWNS)[number];

const DAY_MS = 86_400_000;
/** Longest range per bucket: keeps a response to at most ~10k buckets per series. */
export const MAX_RANGE_DAYS: Record<Bucket, number> = { minute: 7, hour: 400, day: 3660 };
/** Longest range for /api/summary (no buckets, but every stored minute in range is read). */
export const MAX_SUMMARY_DAYS = 3660;
const DEFAULT_SPAN_MS = DAY_MS;

const dateParam = { type: 'string', minLength: 1, maxLength: 40 } as const;

export const rangeQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { from: dateParam, to: dateParam },
} as const;

export const bucketQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    from: dateParam,
    to: dateParam,
    bucket: { type: 'string', enum: [...BUCKETS] },
    by: { type: 'string', enum: [...BREAKDOWNS] },
  },
} as const;

export interface RangeQuery {
  from?: string;
  to?: string;
}
export interface BucketQuery extends RangeQuery {
  bucket?: Bucket;
  by?: Breakdown;
}

export interface TimeRange {
  from: Date;
  to: Date;
}

/** A 400 with a message for the client. */
export class BadRequest extends Error {
  readonly statusCode = 400;
  constructor(message: string) {
    super(message);
  }
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * Accepts an ISO 8601 date (UTC midnight), an ISO date-time with a zone (Z or ±hh:mm), or epoch
 * milliseconds. Impossible dates (2024-02-30, 25:00) are rejected rather than rolled over.
 */
export function parseInstant(name: string, text: string): Date {
  const value = text.trim();
  if (/^\d{1,15}$/.test(value)) return checkYear(name, new Date(Number(value)), text);
  const m = ISO.exec(value);
  if (!m) throw new BadRequest(`${name}: "${text}" is not a date; use ISO 8601 (2024-05-01 or 2024-05-01T09:00:00Z) or epoch milliseconds`);
  const [, y, mo, d, h, mi, s, , zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12) throw new BadRequest(`${name}: "${text}" has no month ${mo}`);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > daysInMonth) throw new BadRequest(`${name}: "${text}" is not a calendar date (${y}-${mo} has ${daysInMonth} days)`);
  if (h !== undefined) {
    if (Number(h) > 23 || Number(mi) > 59 || Number(s ?? 0) > 59) throw new BadRequest(`${name}: "${text}" is not a valid time of day`);
    if (zone === undefined) throw new BadRequest(`${name}: "${text}" needs a time zone (append Z for UTC, or ±hh:mm)`);
  }
  const ms = Date.parse(h === undefined ? `${y}-${mo}-${d}T00:00:00Z` : value.replace(' ', 'T').replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  if (Number.isNaN(ms)) throw new BadRequest(`${name}: "${text}" is not a valid date`);
  return checkYear(name, new Date(ms), text);
}

function checkYear(name: string, date: Date, text: string): Date {
  const year = date.getUTCFullYear();
  if (Number.isNaN(date.getTime()) || year < 2000 || year > 9999) {
    throw new BadRequest(`${name}: "${text}" is outside the supported years 2000-9999`);
  }
  return date;
}

/**
 * Resolves from/to with defaults (to = now, from = to - 24 h) and checks order and span. maxDays is
 * the cap for this route; hint suggests how to ask for a longer range.
 */
export function parseRange(query: RangeQuery, now: number, maxDays: number, hint = ''): TimeRange {
  const to = query.to !== undefined ? parseInstant('to', query.to) : new Date(now);
  const from = query.from !== undefined ? parseInstant('from', query.from) : new Date(to.getTime() - DEFAULT_SPAN_MS);
  if (from.getTime() >= to.getTime()) {
    throw new BadRequest(`from (${from.toISOString()}) must be before to (${to.toISOString()})`);
  }
  const days = (to.getTime() - from.getTime()) / DAY_MS;
  if (days > maxDays) {
    throw new BadRequest(`range too large: ${days.toFixed(1)} days asked, at most ${maxDays} days${hint}`);
  }
  return { from, to };
}

export function parseBucketRange(query: BucketQuery, now: number, defaultBucket: Bucket): TimeRange & { bucket: Bucket } {
  const bucket = query.bucket ?? defaultBucket;
  const wider = bucket === 'minute' ? '; use bucket=hour for longer ranges' : bucket === 'hour' ? '; use bucket=day for longer ranges' : '';
  return { ...parseRange(query, now, MAX_RANGE_DAYS[bucket], ` with bucket=${bucket}${wider}`), bucket };
}

/** Turns fastify/ajv validation errors into one readable sentence naming the parameter. */
export function formatValidationErrors(errors: ReadonlyArray<{ keyword: string; instancePath: string; params: Record<string, unknown>; message?: string }>, dataVar: string): string {
  return errors
    .map((e) => {
      const param = e.instancePath.replace(/^\//, '').replaceAll('/', '.');
      switch (e.keyword) {
        case 'enum':
          return `${param}: must be one of ${(e.params.allowedValues as unknown[]).join(', ')}`;
        case 'additionalProperties':
          return `unknown ${dataVar === 'querystring' ? 'query parameter' : 'field'} "${String(e.params.additionalProperty)}"`;
        case 'required':
          return `missing ${dataVar === 'querystring' ? 'query parameter' : 'field'} "${String(e.params.missingProperty)}"`;
        default:
          return `${param || dataVar}: ${e.message ?? 'invalid'}`;
      }
    })
    .join('; ');
}
