import { Type, type Static } from '@sinclair/typebox';
import { fraction } from './fraction.ts';

/** The `audience` section: tracking and visitor summaries. Definitions in docs/metrics.md. */
export const AudienceConfig = Type.Object(
  {
    confirmFrames: Type.Integer({ default: 3, minimum: 1, description: 'consecutive frames a face must be matched in before its track counts as a passer-by' }),
    maxAbsenceMs: Type.Integer({ default: 1500, minimum: 0, description: 'a track unseen this long ends and its visit is summarised' }),
    maxVisitS: Type.Number({
      default: 3600,
      minimum: 1,
      description: 'a track seen longer than this (a poster, a cashier) is cut into consecutive visits of this length, seconds; bounds what one visit holds',
    }),
    iouThreshold: fraction(0.3, 'least overlap (IoU) between a track’s predicted box and a face to match them'),
    attentionMaxYawDeg: Type.Number({ default: 30, minimum: 0, maximum: 90, description: 'a face counts as looking at the screen when |yaw| is at most this' }),
    attentionMaxPitchDeg: Type.Number({ default: 25, minimum: 0, maximum: 90, description: '… and |pitch| is at most this' }),
    minAttentionS: Type.Number({ default: 1, minimum: 0, description: 'attention time that makes a passer-by a watcher, seconds' }),
    ageBands: Type.Array(Type.Integer({ minimum: 1, maximum: 120 }), {
      default: [18, 25, 35, 45, 55, 65],
      description: 'lower bounds of bands after the first, strictly increasing: 0-17, 18-24, …, 65+',
    }),
    attributeMaxYawDeg: Type.Number({ default: 30, minimum: 0, maximum: 90, description: 'age, gender and emotion are taken only from frames with |yaw| at most this' }),
    attributeMaxPitchDeg: Type.Number({ default: 25, minimum: 0, maximum: 90, description: '… and |pitch| at most this (faces must also reach privacy.minFaceSize)' }),
    genderMinMargin: fraction(0.3, "mean per-frame gender margin (2p-1, signed) needed to decide a visitor's gender; below it the gender is unknown"),
    liveMaxHz: Type.Number({ default: 2, minimum: 0, maximum: 30, description: 'most live views (people in view now) per second; 0 disables them' }),
  },
  { additionalProperties: false, default: {} },
);
export type AudienceConfig = Static<typeof AudienceConfig>;
