import { Type, type Static } from '@sinclair/typebox';

const Point = Type.Tuple([Type.Number(), Type.Number()]);

export const PrivacyConfig = Type.Object(
  {
    emotion: Type.Boolean({ default: true, description: 'false removes the emotion model from the pipeline' }),
    ignoreRegions: Type.Array(Type.Array(Point, { minItems: 3 }), {
      default: [],
      description: 'polygons in frame pixels where faces are dropped before any attribute runs',
    }),
    minFaceSize: Type.Integer({ default: 40, minimum: 0, description: 'faces smaller than this (px) get no attributes' }),
    kAnonymity: Type.Integer({ default: 5, minimum: 1, description: 'breakdown cells with fewer passers-by are merged into "other" (or suppressed) in everything that leaves the store' }),
    retentionDays: Type.Integer({ default: 90, minimum: 1, description: 'stored minutes (and migration backups) older than this many days are deleted, at start and daily' }),
  },
  { additionalProperties: false, default: {} },
);
export type PrivacyConfig = Static<typeof PrivacyConfig>;
