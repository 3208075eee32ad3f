import { Type, type Static } from '@sinclair/typebox';

const Point = Type.Tuple([Type.Number(), Type.Number()]);

/**
 * Lengths of the breakdown period, each dividing a day, so that periods tile every UTC day the same
 * way and an hourly or daily bucket is either a whole number of periods or inside one.
 */
export const BREAKDOWN_PERIOD_S = { '15m': 900, '30m': 1800, '1h': 3600, '2h': 7200, '3h': 10_800, '4h': 14_400, '6h': 21_600, '12h': 43_200, '1d': 86_400 } as const;
export type BreakdownPeriod = keyof typeof BREAKDOWN_PERIOD_S;

export const PrivacyConfig = Type.Object(
  {
    emotion: Type.Boolean({ default: true, description: 'false removes the emotion model from the pipeline' }),
    ignoreRegions: Type.Array(Type.Array(Point, { minItems: 3 }), {
      default: [],
      description: 'polygons in frame pixels where faces are dropped before any attribute runs',
    }),
    minFaceSize: Type.Integer({ default: 40, minimum: 0, description: 'faces smaller than this (px) get no attributes' }),
    kAnonymity: Type.Integer({ default: 5, minimum: 1, description: 'breakdown cells with fewer passers-by are merged into "other" (or suppressed) in everything that leaves the store' }),
    breakdownPeriod: Type.Union(
      (Object.keys(BREAKDOWN_PERIOD_S) as BreakdownPeriod[]).map((p) => Type.Literal(p)),
      {
        default: '1h',
        description:
          'breakdowns (age band, gender, emotion, content) are released only per closed period of this length (15m, 30m, 1h, 2h, 3h, 4h, 6h, 12h or 1d; UTC-aligned), k-anonymised within each period; a range is answered in the whole closed periods inside it, and the period in progress shows totals only',
      },
    ),
    retentionDays: Type.Integer({ default: 90, minimum: 1, description: 'stored minutes (and migration backups) older than this many days are deleted, at start and daily' }),
  },
  { additionalProperties: false, default: {} },
);
export type PrivacyConfig = Static<typeof PrivacyConfig>;
