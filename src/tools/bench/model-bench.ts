import type { ManifestSource } from '../../inference/runtime/manifest.ts';
import type { OpenedModel } from '../../inference/runtime/opened-model.ts';
import { inputDims } from '../../inference/runtime/warmup.ts';

/**
 * Latency of one model at a batch size: a few untimed runs, then `runs` timed ones on a fixed
 * pseudo-random input. Reports the median (what `models bench` prints) and the spread.
 */
export interface BenchResult {
  batch: number;
  runs: number;
  medianMs: number;
  p10Ms: number;
  p90Ms: number;
  /** Median per item (median / batch). */
  perItemMs: number;
}

export async function benchModel(model: OpenedModel<ManifestSource>, batch: number, runs = 20, warm = 3): Promise<BenchResult> {
  const dims = inputDims(model.manifest, batch);
  const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
  let seed = 12345;
  for (let i = 0; i < data.length; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    data[i] = (seed / 2 ** 32) * 255;
  }
  const feeds = { [model.manifest.input.name]: { data, dims } };
  for (let i = 0; i < warm; i++) await model.run(feeds);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await model.run(feeds);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * (times.length - 1) + 0.5))];
  const medianMs = q(0.5);
  return { batch, runs, medianMs, p10Ms: q(0.1), p90Ms: q(0.9), perItemMs: medianMs / batch };
}

/** Whether the model accepts this batch size (a fixed batch dimension of 1 does not take 8). */
export function acceptsBatch(model: OpenedModel<ManifestSource>, batch: number): boolean {
  const fixed = (d: number | string | undefined) => typeof d === 'number' && d > 0 && d !== batch;
  return !fixed(model.manifest.input.shape[0]) && !fixed(model.inputShapes[model.manifest.input.name]?.[0]);
}
