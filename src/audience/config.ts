import { Type, type Static } from '@sinclair/typebox';

export const AudienceConfig = Type.Object(
  {
    confirmFrames: Type.Integer({ default: 3, minimum: 1, description: 'frames before a track counts as a person' }),
    maxAbsenceMs: Type.Integer({ default: 1500, minimum: 0, description: 'a track unseen this long ends' }),
    iouThreshold: Type.Number({ default: 0.3, minimum: 0, maximum: 1 }),
    attentionMaxYawDeg: Type.Number({ default: 30, minimum: 0, maximum: 90 }),
    attentionMaxPitchDeg: Type.Number({ default: 25, minimum: 0, maximum: 90 }),
    minAttentionS: Type.Number({ default: 1, minimum: 0 }),
    ageBands: Type.Array(Type.Integer({ minimum: 1, maximum: 120 }), {
      default: [18, 25, 35, 45, 55, 65],
      description: 'lower bounds of bands after the first: 0-17, 18-24, …, 65+',
    }),
  },
  { additionalProperties: false, default: {} },
);
export type AudienceConfig = Static<typeof AudienceConfig>;
