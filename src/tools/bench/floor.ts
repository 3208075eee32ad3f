import { readFileSync } from 'node:fs';
import path from 'node:path';
import { emotionModels, type InferenceConfig } from '../../config/inference.ts';
import { measureGemmRate, type GemmRate } from './gemm-rate.ts';
import { countModelMacs } from './macs.ts';
import { round } from '../../core/numbers.ts';

/**
 * The physical floor: multiply-adds per frame of the configured model set (detector once, the
 * per-face models once per face, twice with flip augmentation) divided by the measured GEMM rate.
 * No CPU implementation of these models can beat it; Glance's share says how close it gets.
 */
export interface FloorResult {
  models: Array<{ name: string; mmacs: number; runsPerFrame: number }>;
  facesPerFrame: number;
  mmacsPerFrame: number;
  gemm: { n: number; gmacsPerS: number };
  floorMsPerFrame: number;
  measuredMsPerFrame?: number;
  /** floor / measured: 1 would be every cycle spent multiplying. */
  share?: number;
}

interface Manifest {
  file: string;
  input: { name: string; shape: Array<number | string> };
}

function manifest(dir: string, ref: string): Manifest & { path: string; name: string } {
  const file = ref.endsWith('.json') ? ref : path.join(dir, `${ref}.json`);
  const m = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  return { ...m, path: path.join(path.dirname(file), m.file), name: path.basename(file, '.json') };
}

/** Views per face the emotion test-time augmentation runs (the setting was a boolean flip before emotionTta). */
function emotionViews(config: InferenceConfig): number {
  const c = config as { emotionTta?: string; emotionFlip?: boolean };
  if (c.emotionTta !== undefined) return c.emotionTta === 'flip-rotate' ? 4 : c.emotionTta === 'flip' ? 2 : 1;
  return c.emotionFlip ? 2 : 1;
}

export async function benchFloor(config: InferenceConfig, opts: { facesPerFrame: number; measuredMsPerFrame?: number; gemm?: GemmRate }): Promise<FloorResult> {
  const perFace = (ref: string, views: number) => ({ ref, runs: opts.facesPerFrame * views });
  const set = [{ ref: config.detector, runs: 1 }];
  if (config.landmarks !== 'none') set.push(perFace(config.landmarks, 1));
  for (const e of emotionModels(config)) set.push(perFace(e, emotionViews(config)));
  if (config.ageGender !== 'none') set.push(perFace(config.ageGender, config.ageGenderFlip ? 2 : 1));
  const models: FloorResult['models'] = [];
  let macsPerFrame = 0;
  for (const { ref, runs } of set) {
    const m = manifest(config.modelsDir, ref);
    const shape = m.input.shape.map((d) => (typeof d === 'number' ? d : 1));
    const { macs } = await countModelMacs(m.path, { name: m.input.name, shape });
    models.push({ name: m.name, mmacs: round(macs / 1e6), runsPerFrame: round(runs, 2) });
    macsPerFrame += macs * runs;
  }
  const gemm = opts.gemm ?? (await measureGemmRate({ intraOpThreads: config.intraOpThreads || undefined }));
  const floorMs = (macsPerFrame / gemm.macsPerS) * 1000;
  return {
    models,
    facesPerFrame: opts.facesPerFrame,
    mmacsPerFrame: round(macsPerFrame / 1e6),
    gemm: { n: gemm.n, gmacsPerS: round(gemm.macsPerS / 1e9, 2) },
    floorMsPerFrame: round(floorMs, 2),
    ...(opts.measuredMsPerFrame ? { measuredMsPerFrame: round(opts.measuredMsPerFrame, 1), share: round(floorMs / opts.measuredMsPerFrame, 3) } : {}),
  };
}

export function formatFloor(f: FloorResult): string {
  return [
    `floor: ${f.models.map((m) => `${m.name} ${m.mmacs} M×${m.runsPerFrame}`).join(' + ')} = ${f.mmacsPerFrame} M multiply-adds/frame at ${f.facesPerFrame} faces/frame`,
    `  float32 GEMM ${f.gemm.n}³ through onnxruntime: ${f.gemm.gmacsPerS} G multiply-adds/s → floor ${f.floorMsPerFrame} ms/frame` +
      (f.share !== undefined ? `; Glance ${f.measuredMsPerFrame} ms/frame = ${round(f.share * 100)}% of the floor's speed` : ''),
  ].join('\n');
}
