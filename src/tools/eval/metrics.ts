import { iou } from '../../core/box.ts';

/**
 * Metrics the way the field reports them: accuracy, per-class recall and a confusion matrix for
 * classification; MAE, within-±5-years share and age-band accuracy for age; precision, recall and
 * VOC-style average precision (all-point interpolation) for detection.
 */

export interface Confusion {
  labels: string[];
  /** matrix[truth][predicted] counts. */
  matrix: number[][];
}

export function confusion(labels: readonly string[], truth: readonly string[], predicted: readonly string[]): Confusion {
  const index = new Map(labels.map((l, i) => [l, i]));
  const matrix = labels.map(() => labels.map(() => 0));
  for (let i = 0; i < truth.length; i++) {
    const t = index.get(truth[i]);
    const p = index.get(predicted[i]);
    if (t === undefined) throw new Error(`unknown true label "${truth[i]}"`);
    if (p === undefined) throw new Error(`unknown predicted label "${predicted[i]}"`);
    matrix[t][p]++;
  }
  return { labels: [...labels], matrix };
}

export function accuracy(c: Confusion): number {
  let right = 0;
  let total = 0;
  c.matrix.forEach((row, i) => row.forEach((n, j) => ((total += n), i === j && (right += n))));
  return total > 0 ? right / total : 0;
}

/** Recall per true class: the share of that class's samples predicted as it. */
export function perClassRecall(c: Confusion): Record<string, { recall: number; n: number }> {
  const out: Record<string, { recall: number; n: number }> = {};
  c.matrix.forEach((row, i) => {
    const n = row.reduce((a, b) => a + b, 0);
    out[c.labels[i]] = { recall: n > 0 ? row[i] / n : 0, n };
  });
  return out;
}

/** Age bands from lower bounds after the first: [18, 25] → '0-17', '18-24', '25+'. */
export function ageBandLabels(bounds: readonly number[]): string[] {
  const labels: string[] = [];
  let lo = 0;
  for (const b of bounds) {
    labels.push(`${lo}-${b - 1}`);
    lo = b;
  }
  labels.push(`${lo}+`);
  return labels;
}

export function ageBand(age: number, bounds: readonly number[]): string {
  const labels = ageBandLabels(bounds);
  let i = 0;
  while (i < bounds.length && age >= bounds[i]) i++;
  return labels[i];
}

export interface AgeGenderSample {
  age: number;
  gender: 'male' | 'female';
  predAge: number;
  /** Predicted P(male). */
  pMale: number;
}

export interface AgeGenderCell {
  n: number;
  mae: number;
  within5: number;
  bandAccuracy: number;
  genderAccuracy: number;
}

export function ageGenderCell(samples: readonly AgeGenderSample[], bounds: readonly number[]): AgeGenderCell {
  const n = samples.length;
  if (n === 0) return { n: 0, mae: 0, within5: 0, bandAccuracy: 0, genderAccuracy: 0 };
  let absErr = 0;
  let within = 0;
  let band = 0;
  let gender = 0;
  for (const s of samples) {
    const e = Math.abs(s.predAge - s.age);
    absErr += e;
    if (e <= 5) within++;
    if (ageBand(s.age, bounds) === ageBand(s.predAge, bounds)) band++;
    if ((s.pMale >= 0.5 ? 'male' : 'female') === s.gender) gender++;
  }
  return { n, mae: absErr / n, within5: within / n, bandAccuracy: band / n, genderAccuracy: gender / n };
}

// ---------------------------------------------------------------- detection

export interface GtBox {
  x: number;
  y: number;
  width: number;
  height: number;
  /** Not counted either way (too small, or marked ignore in the labels). */
  ignore: boolean;
}

export interface DetBox {
  x: number;
  y: number;
  width: number;
  height: number;
  score: number;
}

/** Per-detection outcome for one image: 'tp', 'fp', or 'ignored' (matched an ignored box). */
export type DetOutcome = 'tp' | 'fp' | 'ignored';

/**
 * Greedy matching, strongest detection first, each ground-truth box matched at most once; a
 * detection whose best match is an ignored box is neither right nor wrong (PASCAL VOC "difficult").
 */
export function matchImage(gts: readonly GtBox[], dets: readonly DetBox[], minIou: number): { outcomes: DetOutcome[]; positives: number } {
  const order = dets.map((_, i) => i).sort((a, b) => dets[b].score - dets[a].score);
  const used = new Array<boolean>(gts.length).fill(false);
  const outcomes = new Array<DetOutcome>(dets.length);
  for (const di of order) {
    let best = -1;
    let bestIou = minIou;
    // Prefer a counted box; fall back to an ignored one.
    for (let g = 0; g < gts.length; g++) {
      if (used[g] || gts[g].ignore) continue;
      const v = iou(dets[di], gts[g]);
      if (v >= bestIou) {
        bestIou = v;
        best = g;
      }
    }
    if (best >= 0) {
      used[best] = true;
      outcomes[di] = 'tp';
      continue;
    }
    const ignoredHit = gts.some((g) => g.ignore && iou(dets[di], g) >= minIou);
    outcomes[di] = ignoredHit ? 'ignored' : 'fp';
  }
  return { outcomes, positives: gts.filter((g) => !g.ignore).length };
}

/** VOC all-point interpolated AP from scored outcomes pooled over images. */
export function averagePrecision(scored: ReadonlyArray<{ score: number; tp: boolean }>, positives: number): number {
  if (positives === 0) return 0;
  const sorted = [...scored].sort((a, b) => b.score - a.score);
  const precision: number[] = [];
  const recall: number[] = [];
  let tp = 0;
  let fp = 0;
  for (const s of sorted) {
    if (s.tp) tp++;
    else fp++;
    precision.push(tp / (tp + fp));
    recall.push(tp / positives);
  }
  // Make precision monotonically decreasing, then integrate over recall steps.
  for (let i = precision.length - 2; i >= 0; i--) precision[i] = Math.max(precision[i], precision[i + 1]);
  let ap = 0;
  let prevRecall = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (recall[i] !== prevRecall) {
      ap += (recall[i] - prevRecall) * precision[i];
      prevRecall = recall[i];
    }
  }
  return ap;
}
