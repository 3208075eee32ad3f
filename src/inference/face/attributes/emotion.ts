import { EMOTIONS, type EmotionLabel } from '../../../core/types.ts';
import { BatchBuffer, type FaceFrame } from '../../image/align.ts';
import type { ModelDescriptor } from '../../runtime/descriptor.ts';
import { inputNameOf, type ModelRunner } from '../../runtime/model-runner.ts';
import type { RgbImage } from '../../image/warp.ts';

/**
 * A FER2013-style 7-class emotion classifier (human's emotion model by default; any model with a
 * manifest listing its labels). All faces of a frame go in one batch; with test-time augmentation
 * every view of every face rides in that same batch and the views' probabilities are averaged.
 * Output: probabilities in the canonical EMOTIONS order, whatever the model's own label order.
 */
export type EmotionTta = 'none' | 'flip' | 'flip-rotate';

/**
 * Views per mode: [extra rotation in radians, mirrored, crop scale]. 'flip-rotate' adds the crop
 * turned by ±0.15 rad (8.6°) and zoomed in 5%, one of them mirrored; chosen on FER2013 *training*
 * images (see README Accuracy), where it beat flip alone and flip plus zoom.
 */
const TTA_VIEWS: Record<EmotionTta, ReadonlyArray<readonly [number, boolean, number]>> = {
  none: [[0, false, 1]],
  flip: [
    [0, false, 1],
    [0, true, 1],
  ],
  'flip-rotate': [
    [0, false, 1],
    [0, true, 1],
    [0.15, false, 0.95],
    [-0.15, true, 0.95],
  ],
};

export class EmotionClassifier {
  readonly name: string;
  private readonly batch: BatchBuffer;
  private readonly inputName: string;
  /** For each canonical emotion, its index in the model's output. */
  private readonly order: number[];
  private readonly classes: number;

  constructor(
    private readonly runner: ModelRunner,
    private readonly desc: ModelDescriptor,
    private readonly tta: EmotionTta = 'flip',
  ) {
    this.name = desc.name;
    this.batch = new BatchBuffer(desc.input.width, desc.input.height, desc.input);
    this.inputName = inputNameOf(desc, runner);
    const labels = (desc.labels ?? EMOTIONS).map(canonical);
    this.classes = labels.length;
    this.order = EMOTIONS.map((e) => {
      const i = labels.indexOf(e);
      if (i < 0) throw new Error(`emotion model ${desc.name}: labels ${JSON.stringify(desc.labels)} do not include "${e}"`);
      return i;
    });
  }

  /** Classifies aligned face crops; returns n × 7 probabilities (canonical order). */
  async classify(image: RgbImage, frames: readonly FaceFrame[]): Promise<Float32Array> {
    return this.runBatch(frames.length, (slot, face, angle, flip, scale) => {
      const f = frames[face];
      this.batch.fill(slot, image, angle === 0 ? f : { ...f, angle: f.angle + angle }, this.desc.crop * scale, flip);
    });
  }

  /** Classifies images that already are face crops (FER2013 files): the whole image is the crop. */
  async classifyCrops(images: readonly RgbImage[]): Promise<Float32Array> {
    return this.runBatch(images.length, (slot, face, angle, flip, scale) => {
      const img = images[face];
      if (angle === 0 && scale === 1) this.batch.fillWhole(slot, img, flip);
      else this.batch.fill(slot, img, { cx: img.width / 2, cy: img.height / 2, size: Math.max(img.width, img.height), angle }, scale, flip);
    });
  }

  private async runBatch(n: number, fill: (slot: number, face: number, angle: number, flip: boolean, scale: number) => void): Promise<Float32Array> {
    const probs = new Float32Array(n * EMOTIONS.length);
    if (n === 0) return probs;
    const viewList = TTA_VIEWS[this.tta];
    const views = viewList.length;
    const items = n * views;
    this.batch.ensure(items);
    for (let v = 0; v < views; v++) {
      for (let i = 0; i < n; i++) fill(v * n + i, i, viewList[v][0], viewList[v][1], viewList[v][2]);
    }
    const out = await this.runner.run({ [this.inputName]: { data: this.batch.view(items), dims: this.batch.dims(items) } });
    const t = Object.values(out).find((o) => o.data.length === items * this.classes);
    if (!t) throw new Error(`emotion model ${this.name}: no output with ${this.classes} values per face`);
    const row = new Float64Array(this.classes);
    for (let v = 0; v < views; v++) {
      for (let i = 0; i < n; i++) {
        for (let c = 0; c < this.classes; c++) row[c] = t.data[(v * n + i) * this.classes + c];
        toProbabilities(row);
        for (let e = 0; e < EMOTIONS.length; e++) probs[i * EMOTIONS.length + e] += row[this.order[e]] / views;
      }
    }
    return probs;
  }
}

/** Leaves a softmax output alone; turns logits (negative values, or not summing to 1) into probabilities. */
export function toProbabilities(row: Float64Array): void {
  let sum = 0;
  let negative = false;
  for (const v of row) {
    sum += v;
    if (v < 0) negative = true;
  }
  if (!negative && Math.abs(sum - 1) < 1e-3) return;
  let max = -Infinity;
  for (const v of row) if (v > max) max = v;
  let total = 0;
  for (let i = 0; i < row.length; i++) {
    row[i] = Math.exp(row[i] - max);
    total += row[i];
  }
  for (let i = 0; i < row.length; i++) row[i] /= total;
}

const ALIASES: Record<string, EmotionLabel> = {
  angry: 'angry',
  anger: 'angry',
  disgust: 'disgust',
  disgusted: 'disgust',
  fear: 'fear',
  fearful: 'fear',
  happy: 'happy',
  happiness: 'happy',
  sad: 'sad',
  sadness: 'sad',
  surprise: 'surprise',
  surprised: 'surprise',
  neutral: 'neutral',
};

/** Maps a model's label spelling (face-api's 'fearful', AffectNet's 'happiness') onto FER2013's. */
export function canonical(label: string): EmotionLabel | string {
  return ALIASES[label.toLowerCase()] ?? label;
}

/** Averages the probabilities of several classifiers (an ensemble), in place into the first. */
export function averageInto(target: Float32Array, others: readonly Float32Array[], weights?: readonly number[]): Float32Array {
  if (others.length === 0) return target;
  const w0 = weights?.[0] ?? 1;
  let total = w0;
  for (let i = 0; i < target.length; i++) target[i] *= w0;
  others.forEach((o, k) => {
    const w = weights?.[k + 1] ?? 1;
    total += w;
    for (let i = 0; i < target.length; i++) target[i] += o[i] * w;
  });
  for (let i = 0; i < target.length; i++) target[i] /= total;
  return target;
}

/** Top label, or 'uncertain' when the top probability is under the threshold. */
export function emotionResult(probs: Float32Array, index: number, threshold: number): { label: EmotionLabel | 'uncertain'; probs: Record<EmotionLabel, number> } {
  const out = {} as Record<EmotionLabel, number>;
  let best = 0;
  let bestP = -1;
  for (let e = 0; e < EMOTIONS.length; e++) {
    const p = probs[index * EMOTIONS.length + e];
    out[EMOTIONS[e]] = Math.round(p * 1000) / 1000;
    if (p > bestP) {
      bestP = p;
      best = e;
    }
  }
  return { label: bestP >= threshold ? EMOTIONS[best] : 'uncertain', probs: out };
}
