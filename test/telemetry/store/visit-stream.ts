import type { EmotionLabel, Visit } from '../../../src/core/types.ts';

/** mulberry32: a small seeded PRNG, so a failing seed can be replayed exactly. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

export type Random = () => number;

export const pick = <T>(rnd: Random, items: readonly T[], weights?: readonly number[]): T => {
  if (!weights) return items[Math.floor(rnd() * items.length)];
  let u = rnd() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < items.length; i++) if ((u -= weights[i]) < 0) return items[i];
  return items[items.length - 1];
};

export const between = (rnd: Random, lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));

const BANDS = ['0-17', '18-24', '25-34', '35-44', '45-54', '55-64', '65+', 'unknown'];
const EMOTIONS: Array<EmotionLabel | 'unknown'> = ['happy', 'neutral', 'surprise', 'sad', 'angry', 'unknown'];
const CONTENT = ['spring-sale', 'new-arrivals', 'loyalty-card', 'rare-promo', null];

/**
 * A random shop's visits over `days` UTC days from `start`: busier in opening hours, skewed
 * attributes so that every period has some cells under k (rare bands, a rare content). Sorted by
 * end time, as the audience stage reports them.
 */
export function visitStream(rnd: Random, start: number, days: number, count: number): Visit[] {
  const out: Visit[] = [];
  for (let i = 0; i < count; i++) {
    const day = Math.floor(rnd() * days);
    // Two thirds in 08:00–20:00, the rest at any time of day.
    const hour = rnd() < 0.67 ? 8 + rnd() * 12 : rnd() * 24;
    const endedAt = Math.floor(start + day * 86_400_000 + hour * 3_600_000);
    const watcher = rnd() < 0.3;
    const dwellS = Math.round((1 + rnd() * 12) * 10) / 10;
    const emotion = pick(rnd, EMOTIONS, [5, 6, 1, 1, 0.5, 2]);
    out.push({
      startedAt: endedAt - dwellS * 1000,
      endedAt,
      dwellS,
      attentionS: watcher ? Math.round((1 + rnd() * 4) * 10) / 10 : 0,
      watcher,
      ageBand: pick(rnd, BANDS, [0.3, 3, 5, 4, 3, 1.5, 0.6, 1]),
      gender: pick(rnd, ['female', 'male', 'unknown'] as const, [5, 5, 0.7]),
      emotions: emotion === 'unknown' ? {} : { [emotion]: 1 },
      dominantEmotion: emotion,
      contentId: pick(rnd, CONTENT, [5, 4, 2, 0.3, 1]),
    });
  }
  return out.sort((a, b) => a.endedAt - b.endedAt);
}
