import { iou } from '../../../core/box.ts';
import type { Face } from '../../../core/types.ts';
import { EMOTIONS } from '../../../core/types.ts';
import type { PeerFace } from './human.ts';

export interface Agreement {
  glanceFaces: number;
  humanFaces: number;
  matched: number;
  /** Of matched faces where both gave a gender. */
  genderCompared: number;
  genderAgree: number;
  ageCompared: number;
  meanAgeDiff: number;
  emotionCompared: number;
  emotionAgree: number;
}

/** Glance's top emotion even when it reports 'uncertain' (Human always names its top class). */
function topEmotion(f: Face): string | undefined {
  if (!f.emotion) return undefined;
  let best = EMOTIONS[0];
  for (const e of EMOTIONS) if (f.emotion.probs[e] > f.emotion.probs[best]) best = e;
  return best;
}

/** Greedy one-to-one matching, best IoU first, per frame; then the attribute comparisons on the pairs. */
export function compareFaces(glance: Face[][], human: PeerFace[][], minIou = 0.4): Agreement {
  const a: Agreement = { glanceFaces: 0, humanFaces: 0, matched: 0, genderCompared: 0, genderAgree: 0, ageCompared: 0, meanAgeDiff: 0, emotionCompared: 0, emotionAgree: 0 };
  let ageSum = 0;
  for (let i = 0; i < Math.min(glance.length, human.length); i++) {
    const g = glance[i];
    const h = human[i];
    a.glanceFaces += g.length;
    a.humanFaces += h.length;
    const pairs: Array<[number, number, number]> = [];
    g.forEach((gf, gi) => h.forEach((hf, hi) => pairs.push([iou(gf.box, hf.box), gi, hi])));
    pairs.sort((x, y) => y[0] - x[0]);
    const usedG = new Set<number>();
    const usedH = new Set<number>();
    for (const [v, gi, hi] of pairs) {
      if (v < minIou) break;
      if (usedG.has(gi) || usedH.has(hi)) continue;
      usedG.add(gi);
      usedH.add(hi);
      a.matched++;
      const gf = g[gi];
      const hf = h[hi];
      if (gf.gender && gf.gender.label !== 'uncertain' && hf.gender && hf.gender !== 'unknown') {
        a.genderCompared++;
        if (gf.gender.label === hf.gender) a.genderAgree++;
      }
      if (gf.age && hf.age !== undefined) {
        a.ageCompared++;
        ageSum += Math.abs(gf.age.years - hf.age);
      }
      const ge = topEmotion(gf);
      if (ge && hf.emotion) {
        a.emotionCompared++;
        if (ge === hf.emotion) a.emotionAgree++;
      }
    }
  }
  a.meanAgeDiff = a.ageCompared > 0 ? Math.round((ageSum / a.ageCompared) * 10) / 10 : 0;
  return a;
}
