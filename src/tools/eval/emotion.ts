import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { EMOTIONS } from '../../core/types.ts';
import type { Analyzer } from '../../inference/analyzer.ts';
import { canonical } from '../../inference/face/attributes/emotion.ts';
import { decodeImageFile } from '../media/image-file.ts';
import type { RgbImage } from '../../inference/image/warp.ts';
import { confusionPng } from './confusion-png.ts';
import { classFolders } from './data.ts';
import { accuracy, confusion, perClassRecall } from './metrics.ts';
import { mdTable, pct, progress, writeReport } from './report.ts';
import { largestFace, subsample } from './select.ts';
import { DataError } from '../../core/errors.ts';

export interface EmotionEvalOptions {
  data: string;
  cropped: boolean;
  out: string;
  limit?: number;
  models: string;
}

export interface EmotionEvalResult {
  data: string;
  mode: 'cropped' | 'detected';
  models: string;
  n: number;
  accuracy: number;
  noFace: number;
  perClass: Record<string, { recall: number; n: number }>;
  confusion: { labels: string[]; matrix: number[][] };
  msPerImage: number;
}

const BATCH = 64;

export async function evalEmotion(analyzer: Analyzer, opts: EmotionEvalOptions, print: (s: string) => void): Promise<EmotionEvalResult> {
  const { classes, items: all } = classFolders(opts.data);
  const unknown = classes.filter((c) => !EMOTIONS.includes(canonical(c) as never));
  if (unknown.length > 0) throw new DataError(`--data ${opts.data}: class folders ${unknown.join(', ')} are not FER2013 classes (${EMOTIONS.join(', ')})`);
  const items = subsample(all, opts.limit);
  const truth: string[] = [];
  const predicted: string[] = [];
  let noFace = 0;
  const tick = progress('eval emotion', items.length);
  const t0 = performance.now();
  for (let start = 0; start < items.length; start += BATCH) {
    const chunk = items.slice(start, start + BATCH);
    const images: RgbImage[] = [];
    for (const it of chunk) images.push(await decodeImageFile(it.file));
    if (opts.cropped) {
      const probs = await analyzer.classifyEmotionCrops(images);
      chunk.forEach((it, k) => {
        truth.push(canonical(it.label));
        predicted.push(EMOTIONS[argmax(probs, k * EMOTIONS.length, EMOTIONS.length)]);
      });
    } else {
      for (let k = 0; k < chunk.length; k++) {
        const face = largestFace(await analyzer.analyze(images[k]));
        if (!face?.emotion) {
          noFace++;
          continue;
        }
        truth.push(canonical(chunk[k].label));
        // Scored on the top class even when it is below the 'uncertain' threshold.
        const probs = face.emotion.probs;
        predicted.push(EMOTIONS.reduce((a, b) => (probs[b] > probs[a] ? b : a)));
      }
    }
    tick(Math.min(items.length, start + BATCH));
  }
  const ms = (performance.now() - t0) / items.length;
  const c = confusion(EMOTIONS, truth, predicted);
  // Images without a detected face count as errors: accuracy is over all images.
  const acc = (accuracy(c) * truth.length) / items.length;
  const result: EmotionEvalResult = {
    data: opts.data,
    mode: opts.cropped ? 'cropped' : 'detected',
    models: opts.models,
    n: items.length,
    accuracy: acc,
    noFace,
    perClass: perClassRecall(c),
    confusion: c,
    msPerImage: Math.round(ms * 100) / 100,
  };
  const md = renderEmotion(result);
  print(md);
  const files = writeReport(opts.out, 'emotion', result, md);
  const png = path.join(opts.out, 'emotion-confusion.png');
  writeFileSync(png, await confusionPng(c));
  print(`wrote ${files.json}, ${files.md}, ${png}\n`);
  return result;
}

function argmax(a: Float32Array, offset: number, n: number): number {
  let best = 0;
  for (let i = 1; i < n; i++) if (a[offset + i] > a[offset + best]) best = i;
  return best;
}

export function renderEmotion(r: EmotionEvalResult): string {
  const lines = [
    `## Emotion: ${r.data} (${r.mode}${r.mode === 'cropped' ? ': images fed straight to the model' : ''})`,
    '',
    `models: ${r.models}`,
    '',
    `accuracy **${pct(r.accuracy)}** on ${r.n} images${r.noFace ? ` (${r.noFace} without a detected face, counted as errors)` : ''}; ${r.msPerImage} ms per image`,
    '',
    mdTable(
      ['class', 'n', 'recall'],
      Object.entries(r.perClass).map(([k, v]) => [k, v.n, pct(v.recall, 1)]),
    ),
    'confusion (rows: truth, columns: predicted)',
    '',
    mdTable(
      ['truth \\ pred', ...r.confusion.labels],
      r.confusion.matrix.map((row, i) => [r.confusion.labels[i], ...row]),
    ),
  ];
  return lines.join('\n');
}
