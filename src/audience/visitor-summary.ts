import { EMOTIONS, type EmotionLabel, type Face, type Visit } from '../core/types.ts';
import type { AgeBands } from './age-bands.ts';
import { round1, round3 } from '../core/numbers.ts';

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

/**
 * Accumulates one track's frames and turns them into a Visit when the track ends. Definitions (each
 * one recomputable by hand) are in docs/metrics.md; times are frame timestamps, in ms.
 */
export class VisitAccumulator {
  private first: Observation | undefined;
  private last: Observation | undefined;
  private attentionMs = 0;
  /** Attention per content id; insertion order breaks ties. */
  private readonly attentionByContent = new Map<string | null, number>();
  private readonly ages: Array<{ years: number; low: number; high: number }> = [];
  private readonly genderMargins: number[] = [];
  private readonly emotionSums = new Map<EmotionLabel, number>();
  private emotionFrames = 0;

  get attentiveNow(): boolean {
    return this.last?.attentive ?? false;
  }

  observe(o: Observation): void {
    const prev = this.last;
    if (prev && o.monoMs < prev.monoMs) return; // out of order: the stage already drops these
    this.first ??= o;
    // Sample and hold: a frame's attention state lasts until the next frame of the same face.
    if (prev?.attentive) {
      const dt = o.monoMs - prev.monoMs;
      this.attentionMs += dt;
      this.attentionByContent.set(prev.contentId, (this.attentionByContent.get(prev.contentId) ?? 0) + dt);
    }
    this.last = o;
    const a = o.attributes;
    if (!a) return;
    if (a.age && [a.age.years, a.age.low, a.age.high].every(Number.isFinite)) this.ages.push({ ...a.age });
    if (a.gender && Number.isFinite(a.gender.p)) {
      // Signed margin: +1 sure male, −1 sure female, 0 a coin toss or an 'uncertain' frame.
      const margin = Math.max(0, Math.min(1, 2 * a.gender.p - 1));
      this.genderMargins.push(a.gender.label === 'male' ? margin : a.gender.label === 'female' ? -margin : 0);
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
    const age = this.ages.length > 0 ? summarizeAge(this.ages) : undefined;
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
      gender: genderVote(this.genderMargins, opts.genderMinMargin),
      emotions,
      dominantEmotion: dominant(meanProbs),
      contentId: this.contentOfVisit(first.contentId),
    };
    if (age) visit.age = age;
    return visit;
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
export function summarizeAge(ages: ReadonlyArray<{ years: number; low: number; high: number }>) {
  return {
    years: round1(median(ages.map((a) => a.years))),
    low: round1(median(ages.map((a) => a.low))),
    high: round1(median(ages.map((a) => a.high))),
  };
}

/** Mean signed margin ≥ +min → male, ≤ −min → female, else (or no frames) unknown. */
export function genderVote(margins: readonly number[], minMargin: number): Visit['gender'] {
  if (margins.length === 0) return 'unknown';
  const mean = margins.reduce((a, b) => a + b, 0) / margins.length;
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
