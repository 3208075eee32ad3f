import { EMOTIONS, type EmotionLabel, type Face, type Visit } from '../core/types.ts';
import type { AgeBands } from './age-bands.ts';
import { round1, round3 } from '../core/numbers.ts';
import { AgeSample, type AgeEstimate } from './age-sample.ts';

/** One frame of a tracked face, as the visit summary needs it. */
export interface Observation {
  monoMs: number;
  wallMs: number;
  /** Face turned toward the screen in this frame (see attention.ts). */
  attentive: boolean;
  /** Age, gender and emotion of this frame, only when the face was large and frontal enough. */
  attributes?: Pick<Face, 'age' | 'gender' | 'emotion'>;
  /** Content playing when this frame was taken (proof of play), or null. */
  contentId: string | null;
}

export interface SummaryOptions {
  minAttentionS: number;
  ageBands: AgeBands;
  /** Least mean signed gender margin for a decided gender (see docs/metrics.md). */
  genderMinMargin: number;
  /** privacy.emotion: when false no emotion is summarised even if a face carries one. */
  emotion: boolean;
}

/** Most content ids whose attention one visit keeps apart (content changes a few times a minute). */
export const MAX_CONTENT_IDS = 64;

/**
 * Accumulates one track's frames and turns them into a Visit when the track ends. Definitions (each
 * one recomputable by hand) are in docs/metrics.md; times are frame timestamps, in ms.
 *
 * Memory does not grow with the number of frames: a face that never leaves (a poster, a cashier)
 * holds running sums, a bounded age sample and at most MAX_CONTENT_IDS attention totals.
 */
export class VisitAccumulator {
  private first: Observation | undefined;
  private last: Observation | undefined;
  private attentionMs = 0;
  /** Attention per content id; insertion order breaks ties. */
  private readonly attentionByContent = new Map<string | null, number>();
  private readonly ages = new AgeSample();
  private genderMarginSum = 0;
  private genderFrames = 0;
  private readonly emotionSums = new Map<EmotionLabel, number>();
  private emotionFrames = 0;

  get attentiveNow(): boolean {
    return this.last?.attentive ?? false;
  }

  /** Time from this visit's first frame to monoMs (0 before any frame). */
  lengthMsAt(monoMs: number): number {
    return this.first ? monoMs - this.first.monoMs : 0;
  }

  /** Values held for this visit beyond its fixed fields: age estimates, content and emotion totals. */
  get retainedSamples(): number {
    return this.ages.values.length + this.attentionByContent.size + this.emotionSums.size;
  }

  /**
   * Ends this visit at frame o and returns it with the next visit's accumulator, which starts at o (a
   * track longer than audience.maxVisitS). o is the last frame of the ended visit for time only, so the
   * dwell and attention of the pieces add up to the track's; its attributes go to the next visit.
   */
  splitAt(o: Observation, opts: SummaryOptions): { visit: Visit; next: VisitAccumulator } {
    this.observe({ ...o, attributes: undefined });
    const next = new VisitAccumulator();
    next.observe(o);
    return { visit: this.summarize(opts), next };
  }

  observe(o: Observation): void {
    const prev = this.last;
    if (prev && o.monoMs < prev.monoMs) return; // out of order: the stage already drops these
    this.first ??= o;
    // Sample and hold: a frame's attention state lasts until the next frame of the same face.
    if (prev?.attentive) {
      const dt = o.monoMs - prev.monoMs;
      this.attentionMs += dt;
      this.addContentAttention(prev.contentId, dt);
    }
    this.last = o;
    const a = o.attributes;
    if (!a) return;
    if (a.age && [a.age.years, a.age.low, a.age.high].every(Number.isFinite)) this.ages.add(a.age);
    if (a.gender && Number.isFinite(a.gender.p)) {
      this.genderMarginSum += signedMargin(a.gender);
      this.genderFrames++;
    }
    if (a.emotion?.probs) {
      this.emotionFrames++;
      for (const label of EMOTIONS) {
        const p = a.emotion.probs[label];
        if (Number.isFinite(p)) this.emotionSums.set(label, (this.emotionSums.get(label) ?? 0) + p);
      }
    }
  }

  summarize(opts: SummaryOptions): Visit {
    const first = this.first;
    const last = this.last;
    if (!first || !last) throw new Error('summarize() before any observation');
    const dwellS = round3((last.monoMs - first.monoMs) / 1000);
    const attentionS = round3(this.attentionMs / 1000);
    const age = this.ages.count > 0 ? summarizeAge(this.ages.values) : undefined;
    const meanProbs = opts.emotion ? this.emotionHistogram() : {};
    const emotions: Partial<Record<EmotionLabel, number>> = {};
    for (const [label, p] of Object.entries(meanProbs)) emotions[label as EmotionLabel] = round3(p);
    const visit: Visit = {
      startedAt: first.wallMs,
      endedAt: last.wallMs,
      dwellS,
      attentionS,
      watcher: attentionS >= opts.minAttentionS,
      ageBand: opts.ageBands.bandOf(age?.years),
      gender: genderOfMeanMargin(this.genderMarginSum, this.genderFrames, opts.genderMinMargin),
      emotions,
      dominantEmotion: dominant(meanProbs),
      contentId: this.contentOfVisit(first.contentId),
    };
    if (age) visit.age = age;
    return visit;
  }

  private addContentAttention(content: string | null, ms: number): void {
    const held = this.attentionByContent.get(content);
    if (held === undefined && this.attentionByContent.size >= MAX_CONTENT_IDS) {
      // More contents than a visit keeps apart (hundreds of changes while one face stays): the one
      // watched least so far makes room, as the least likely to end up watched longest.
      let least: string | null | undefined;
      let leastMs = Infinity;
      for (const [c, total] of this.attentionByContent) if (total < leastMs) [least, leastMs] = [c, total];
      this.attentionByContent.delete(least!);
    }
    this.attentionByContent.set(content, (held ?? 0) + ms);
  }

  /** The content the person looked at longest; if they never looked, what played when they appeared. */
  private contentOfVisit(atStart: string | null): string | null {
    let best = atStart;
    let bestMs = 0;
    for (const [content, ms] of this.attentionByContent) {
      if (ms > bestMs) {
        best = content;
        bestMs = ms;
      }
    }
    return best;
  }

  private emotionHistogram(): Partial<Record<EmotionLabel, number>> {
    const out: Partial<Record<EmotionLabel, number>> = {};
    if (this.emotionFrames === 0) return out;
    for (const label of EMOTIONS) {
      const sum = this.emotionSums.get(label);
      if (sum !== undefined && sum > 0) out[label] = sum / this.emotionFrames;
    }
    return out;
  }
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Median of the per-frame estimates, with the medians of the per-frame interval ends; one decimal. */
export function summarizeAge(ages: readonly AgeEstimate[]) {
  return {
    years: round1(median(ages.map((a) => a.years))),
    low: round1(median(ages.map((a) => a.low))),
    high: round1(median(ages.map((a) => a.high))),
  };
}

/** Signed margin: +1 sure male, −1 sure female, 0 a coin toss or an 'uncertain' frame. */
function signedMargin(gender: NonNullable<Face['gender']>): number {
  const margin = Math.max(0, Math.min(1, 2 * gender.p - 1));
  return gender.label === 'male' ? margin : gender.label === 'female' ? -margin : 0;
}

/** Mean signed margin ≥ +min → male, ≤ −min → female, else (or no frames) unknown. */
export function genderVote(margins: readonly number[], minMargin: number): Visit['gender'] {
  return genderOfMeanMargin(
    margins.reduce((a, b) => a + b, 0),
    margins.length,
    minMargin,
  );
}

/** genderVote from the running sum of the margins and their count, as a visit keeps them. */
export function genderOfMeanMargin(sum: number, count: number, minMargin: number): Visit['gender'] {
  if (count === 0) return 'unknown';
  const mean = sum / count;
  if (mean >= minMargin && mean > 0) return 'male';
  if (mean <= -minMargin && mean < 0) return 'female';
  return 'unknown';
}

/** Highest mean probability; ties go to the earlier label in EMOTIONS order. */
export function dominant(hist: Partial<Record<EmotionLabel, number>>): Visit['dominantEmotion'] {
  let best: EmotionLabel | 'unknown' = 'unknown';
  let bestP = 0;
  for (const label of EMOTIONS) {
    const p = hist[label] ?? 0;
    if (p > bestP) {
      best = label;
      bestP = p;
    }
  }
  return best;
}
