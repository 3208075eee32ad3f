import type { GenderLabel } from '../../../core/types.ts';
import { BatchBuffer, type FaceFrame } from '../../image/align.ts';
import type { ModelDescriptor } from '../../runtime/descriptor.ts';
import { inputNameOf, type ModelRunner, type TensorData } from '../../runtime/model-runner.ts';
import type { RgbImage } from '../../image/warp.ts';

/**
 * Age and gender, one batched run per frame for all its faces (twice as many with flip TTA), for
 * two output conventions, picked by the model's decoder family:
 * - `faceres` (human's HSE FaceRes): P(male) from a sigmoid and a softmax over ages 0..99; its
 *   1024-d descriptor output is ignored and never leaves this function. Age is the distribution's
 *   mean and its 10th..90th percentiles the plausible range.
 * - `faceapi-age-gender` (face-api's AgeGenderNet): a softmax over the manifest's gender labels
 *   (male, female) and age as a regression in years. The range is ± AGE_SPREAD_YEARS: the model
 *   gives no spread of its own, so this is the mean absolute error `glance eval age-gender`
 *   measures for it on UTKFace (README "Accuracy"), not a per-face confidence.
 */
export interface AgeGenderRaw {
  /** P(male) per face. */
  male: Float32Array;
  years: Float32Array;
  low: Float32Array;
  high: Float32Array;
}

export const AGE_SPREAD_YEARS = 6;

export class AgeGenderEstimator {
  readonly name: string;
  private readonly batch: BatchBuffer;
  private readonly inputName: string;

  constructor(
    private readonly runner: ModelRunner,
    private readonly desc: ModelDescriptor,
    private readonly flipTta = false,
  ) {
    this.name = desc.name;
    this.batch = new BatchBuffer(desc.input.width, desc.input.height, desc.input);
    this.inputName = inputNameOf(desc, runner);
  }

  async estimate(image: RgbImage, frames: readonly FaceFrame[]): Promise<AgeGenderRaw> {
    return this.runBatch(frames.length, (slot, i, flip) => this.batch.fill(slot, image, frames[i], this.desc.crop, flip));
  }

  /** For already-cropped faces (e.g. aligned dataset crops), resized whole. */
  async estimateCrops(images: readonly RgbImage[]): Promise<AgeGenderRaw> {
    return this.runBatch(images.length, (slot, i, flip) => this.batch.fillWhole(slot, images[i], flip));
  }

  private async runBatch(n: number, fill: (slot: number, face: number, flip: boolean) => void): Promise<AgeGenderRaw> {
    const res: AgeGenderRaw = { male: new Float32Array(n), years: new Float32Array(n), low: new Float32Array(n), high: new Float32Array(n) };
    if (n === 0) return res;
    const views = this.flipTta ? 2 : 1;
    const items = n * views;
    this.batch.ensure(items);
    for (let i = 0; i < n; i++) {
      fill(i, i, false);
      if (this.flipTta) fill(n + i, i, true);
    }
    const out = await this.runner.run({ [this.inputName]: { data: this.batch.view(items), dims: this.batch.dims(items) } });
    if (this.desc.family === 'faceapi-age-gender') decodeRegression(out, items, n, views, maleIndex(this.desc.labels), res);
    else decodeDistribution(out, items, n, views, res);
    return res;
  }
}

/** Index of 'male' in the gender output (face-api: [male, female]). */
function maleIndex(labels: readonly string[] | undefined): number {
  const i = labels?.indexOf('male') ?? -1;
  return Math.max(i, 0);
}

/** faceres: views averaged as distributions, then summarised. */
function decodeDistribution(out: Record<string, TensorData>, items: number, n: number, views: number, res: AgeGenderRaw): void {
  const { gender, age, bins } = pickDistributionOutputs(out, items);
  const dist = new Float64Array(bins);
  for (let i = 0; i < n; i++) {
    dist.fill(0);
    let male = 0;
    for (let v = 0; v < views; v++) {
      const k = v * n + i;
      male += gender[k] / views;
      for (let b = 0; b < bins; b++) dist[b] += age[k * bins + b] / views;
    }
    const s = summarise(dist);
    res.male[i] = male;
    res.years[i] = s.mean;
    res.low[i] = s.low;
    res.high[i] = s.high;
  }
}

/** face-api: gender softmax and age in years, each averaged over the views. */
function decodeRegression(out: Record<string, TensorData>, items: number, n: number, views: number, male: number, res: AgeGenderRaw): void {
  let gender: Float32Array | undefined;
  let age: Float32Array | undefined;
  for (const t of Object.values(out)) {
    const per = t.data.length / items;
    if (per === 2) gender = t.data;
    else if (per === 1) age = t.data;
  }
  if (!gender || !age) throw new Error('age-gender model (faceapi-age-gender): expected a 2-class gender output and a 1-value age output per face');
  for (let i = 0; i < n; i++) {
    let pMale = 0;
    let years = 0;
    for (let v = 0; v < views; v++) {
      const k = v * n + i;
      pMale += gender[k * 2 + male] / (gender[k * 2] + gender[k * 2 + 1]) / views;
      years += age[k] / views;
    }
    years = Math.max(0, years);
    res.male[i] = pMale;
    res.years[i] = years;
    res.low[i] = Math.max(0, Math.round(years - AGE_SPREAD_YEARS));
    res.high[i] = Math.round(years + AGE_SPREAD_YEARS);
  }
}

function pickDistributionOutputs(out: Record<string, TensorData>, n: number): { gender: Float32Array; age: Float32Array; bins: number } {
  let gender: Float32Array | undefined;
  let age: Float32Array | undefined;
  let bins = 0;
  for (const t of Object.values(out)) {
    const per = t.data.length / n;
    if (per === 1) gender = t.data;
    else if (per === 100 || per === 101) {
      age = t.data;
      bins = per;
    }
  }
  if (!gender || !age) throw new Error('age-gender model: expected a 1-value gender output and a 100-bin age output per face');
  return { gender, age, bins };
}

/** Mean and 10th/90th percentiles of an age distribution over integer years (bin i = i years). */
export function summarise(dist: Float64Array): { mean: number; low: number; high: number } {
  let total = 0;
  let mean = 0;
  for (let b = 0; b < dist.length; b++) {
    total += dist[b];
    mean += b * dist[b];
  }
  if (total <= 0) return { mean: 0, low: 0, high: 0 };
  mean /= total;
  let acc = 0;
  let low = -1;
  let high = dist.length - 1;
  for (let b = 0; b < dist.length; b++) {
    acc += dist[b] / total;
    if (low < 0 && acc >= 0.1) low = b;
    if (acc >= 0.9) {
      high = b;
      break;
    }
  }
  return { mean, low: Math.max(0, low), high };
}

export function genderResult(pMale: number, threshold: number): { label: GenderLabel | 'uncertain'; p: number } {
  const label: GenderLabel = pMale >= 0.5 ? 'male' : 'female';
  const p = label === 'male' ? pMale : 1 - pMale;
  return { label: p >= threshold ? label : 'uncertain', p: Math.round(p * 1000) / 1000 };
}
