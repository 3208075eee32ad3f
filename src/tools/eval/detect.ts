import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Analyzer } from '../../inference/analyzer.ts';
import { decodeImageFile } from '../media/image-file.ts';
import { readCsv, requireDir } from './data.ts';
import { averagePrecision, matchImage, type DetBox, type GtBox } from './metrics.ts';
import { mdTable, pct, writeReport } from './report.ts';
import { DataError } from '../../core/errors.ts';

export interface DetectEvalOptions {
  data: string;
  boxes: string;
  out: string;
  /** Images with no human face: every detection there is a false positive. */
  negatives: string[];
  minIou: number;
  minSize: number;
  models: string;
}

export interface DetectEvalResult {
  data: string;
  models: string;
  minIou: number;
  minSize: number;
  images: number;
  positives: number;
  truePositives: number;
  falsePositives: number;
  precision: number;
  recall: number;
  ap: number;
  negatives: Record<string, number>;
  perImage: Array<{ file: string; faces: number; found: number; falsePositives: number }>;
  msPerImage: number;
}

/**
 * Boxes CSV: split,file,img_w,img_h,left,top,width,height,ignore. Faces smaller than minSize px (or
 * marked ignore) are neither required nor held against the detector.
 */
export async function evalDetect(analyzer: Analyzer, opts: DetectEvalOptions, print: (s: string) => void): Promise<DetectEvalResult> {
  requireDir(opts.data, '--data');
  const rows = readCsv(opts.boxes, ['file', 'left', 'top', 'width', 'height']);
  const byFile = new Map<string, GtBox[]>();
  for (const r of rows) {
    const b = [r.left, r.top, r.width, r.height].map(Number);
    if (b.some((v) => !Number.isFinite(v))) throw new DataError(`${opts.boxes}:${r._line}: box values must be numbers`);
    const list = byFile.get(r.file) ?? [];
    list.push({ x: b[0], y: b[1], width: b[2], height: b[3], ignore: r.ignore === '1' || r.ignore === 'true' || Math.min(b[2], b[3]) < opts.minSize });
    byFile.set(r.file, list);
  }
  for (const n of opts.negatives) if (!existsSync(path.join(opts.data, n))) throw new DataError(`--negatives: ${path.join(opts.data, n)} does not exist`);
  const files = [...byFile.keys()].sort();
  const scored: Array<{ score: number; tp: boolean }> = [];
  const perImage: DetectEvalResult['perImage'] = [];
  let positives = 0;
  let tp = 0;
  let fp = 0;
  const t0 = performance.now();
  for (const file of files) {
    const image = await decodeImageFile(path.join(opts.data, file));
    const dets: DetBox[] = (await analyzer.analyze(image)).map((f) => ({ ...f.box, score: f.score }));
    const gts = byFile.get(file)!;
    const { outcomes, positives: p } = matchImage(gts, dets, opts.minIou);
    positives += p;
    let found = 0;
    let wrong = 0;
    outcomes.forEach((o, i) => {
      if (o === 'ignored') return;
      scored.push({ score: dets[i].score, tp: o === 'tp' });
      if (o === 'tp') found++;
      else wrong++;
    });
    tp += found;
    fp += wrong;
    perImage.push({ file, faces: p, found, falsePositives: wrong });
  }
  const negatives: Record<string, number> = {};
  for (const file of opts.negatives) {
    const image = await decodeImageFile(path.join(opts.data, file));
    const dets = await analyzer.analyze(image);
    negatives[file] = dets.length;
    fp += dets.length;
    for (const d of dets) scored.push({ score: d.score, tp: false });
  }
  const count = files.length + opts.negatives.length;
  const result: DetectEvalResult = {
    data: opts.data,
    models: opts.models,
    minIou: opts.minIou,
    minSize: opts.minSize,
    images: count,
    positives,
    truePositives: tp,
    falsePositives: fp,
    precision: tp + fp > 0 ? tp / (tp + fp) : 0,
    recall: positives > 0 ? tp / positives : 0,
    ap: averagePrecision(scored, positives),
    negatives,
    perImage,
    msPerImage: Math.round(((performance.now() - t0) / Math.max(1, count)) * 10) / 10,
  };
  const md = renderDetect(result);
  print(md);
  const out = writeReport(opts.out, 'detect', result, md);
  print(`wrote ${out.json}, ${out.md}\n`);
  return result;
}

export function renderDetect(r: DetectEvalResult): string {
  return [
    `## Face detection: ${r.data} (IoU ≥ ${r.minIou}, faces ≥ ${r.minSize} px)`,
    '',
    `models: ${r.models}`,
    '',
    `recall **${pct(r.recall, 1)}** (${r.truePositives}/${r.positives}), precision **${pct(r.precision, 1)}**, AP **${pct(r.ap, 1)}**, ` + `${r.falsePositives} false positives; ${r.msPerImage} ms per image`,
    '',
    mdTable(['image', 'faces', 'found', 'false positives'], [...r.perImage.map((p) => [p.file, p.faces, p.found, p.falsePositives]), ...Object.entries(r.negatives).map(([f, n]) => [`${f} (no faces)`, 0, 0, n])]),
  ].join('\n');
}
