import path from 'node:path';
import type { Analyzer } from '../../inference/analyzer.ts';
import { decodeImageFile } from '../media/image-file.ts';
import { readCsv, requireDir } from './data.ts';
import { ageBand, ageBandLabels, ageGenderCell, type AgeGenderCell, type AgeGenderSample } from './metrics.ts';
import { mdTable, pct, progress, writeReport } from './report.ts';
import { largestFace, subsample } from './select.ts';
import { DataError } from '../../core/errors.ts';

export interface AgeGenderEvalOptions {
  data: string;
  labels: string;
  out: string;
  bands: number[];
  limit?: number;
  models: string;
  /** The daemon's gender threshold: faces whose top gender probability is below it count as 'uncertain'. */
  genderThreshold: number;
}

export interface AgeGenderEvalResult {
  data: string;
  models: string;
  n: number;
  noFace: number;
  overall: AgeGenderCell;
  /** Share of faces the daemon would report as gender 'uncertain' (top probability under genderThreshold). */
  genderUncertain: number;
  genderThreshold: number;
  byGender: Record<string, AgeGenderCell>;
  byBand: Record<string, AgeGenderCell>;
  byBandAndGender: Record<string, AgeGenderCell>;
  /** Bands whose MAE exceeds twice the overall MAE. */
  flaggedBands: string[];
  msPerImage: number;
}

/** UTKFace-style labels: file, age, gender (male/female); each image is run through the full pipeline. */
export async function evalAgeGender(analyzer: Analyzer, opts: AgeGenderEvalOptions, print: (s: string) => void): Promise<AgeGenderEvalResult> {
  requireDir(opts.data, '--data');
  const rows = readCsv(opts.labels, ['file', 'age', 'gender']).map((r) => {
    const age = Number(r.age);
    const gender = r.gender.toLowerCase();
    if (!Number.isFinite(age) || age < 0 || age > 120) throw new DataError(`${opts.labels}:${r._line}: age "${r.age}" is not a number of years`);
    if (gender !== 'male' && gender !== 'female') throw new DataError(`${opts.labels}:${r._line}: gender "${r.gender}" is not male or female`);
    return { file: r.file, age, gender: gender as 'male' | 'female' };
  });
  const items = subsample(rows, opts.limit);
  const samples: AgeGenderSample[] = [];
  let noFace = 0;
  let uncertain = 0;
  const tick = progress('eval age-gender', items.length);
  const t0 = performance.now();
  for (let i = 0; i < items.length; i++) {
    const it = items[i];
    const image = await decodeImageFile(path.join(opts.data, it.file));
    const face = largestFace(await analyzer.analyze(image));
    if (!face?.age || !face.gender) noFace++;
    else if (face.gender.label === 'uncertain') throw new Error('eval age-gender: the analyzer must run with genderThreshold 0 (got an uncertain gender)');
    else {
      if (face.gender.p < opts.genderThreshold) uncertain++;
      samples.push({ age: it.age, gender: it.gender, predAge: face.age.years, pMale: face.gender.label === 'male' ? face.gender.p : 1 - face.gender.p });
    }
    tick(i + 1);
  }
  const ms = (performance.now() - t0) / Math.max(1, items.length);
  const bands = opts.bands;
  const overall = ageGenderCell(samples, bands);
  const byGender: Record<string, AgeGenderCell> = {};
  for (const g of ['female', 'male'])
    byGender[g] = ageGenderCell(
      samples.filter((s) => s.gender === g),
      bands,
    );
  const byBand: Record<string, AgeGenderCell> = {};
  const byBandAndGender: Record<string, AgeGenderCell> = {};
  for (const b of ageBandLabels(bands)) {
    const inBand = samples.filter((s) => ageBand(s.age, bands) === b);
    byBand[b] = ageGenderCell(inBand, bands);
    for (const g of ['female', 'male'])
      byBandAndGender[`${b} ${g}`] = ageGenderCell(
        inBand.filter((s) => s.gender === g),
        bands,
      );
  }
  const flaggedBands = Object.entries(byBand)
    .filter(([, c]) => c.n > 0 && c.mae > 2 * overall.mae)
    .map(([b]) => b);
  const genderUncertain = samples.length ? uncertain / samples.length : 0;
  const result: AgeGenderEvalResult = {
    data: opts.data,
    models: opts.models,
    n: items.length,
    noFace,
    overall,
    genderUncertain,
    genderThreshold: opts.genderThreshold,
    byGender,
    byBand,
    byBandAndGender,
    flaggedBands,
    msPerImage: Math.round(ms * 10) / 10,
  };
  const md = renderAgeGender(result);
  print(md);
  const files = writeReport(opts.out, 'age-gender', result, md);
  print(`wrote ${files.json}, ${files.md}\n`);
  return result;
}

function cellRow(name: string, c: AgeGenderCell): Array<string | number> {
  return [name, c.n, c.mae.toFixed(2), pct(c.within5, 1), pct(c.bandAccuracy, 1), pct(c.genderAccuracy, 1)];
}

export function renderAgeGender(r: AgeGenderEvalResult): string {
  const head = ['group', 'n', 'age MAE', 'within ±5 y', 'age band acc', 'gender acc'];
  const o = r.overall;
  return [
    `## Age and gender: ${r.data}`,
    '',
    `models: ${r.models}`,
    '',
    `gender accuracy **${pct(o.genderAccuracy)}**, age MAE **${o.mae.toFixed(2)} years** on ${o.n} faces` +
      `${r.noFace ? ` (${r.noFace} of ${r.n} images without a detected face are left out)` : ''}; ${r.msPerImage} ms per image`,
    '',
    `gender is scored on the top label; the daemon reports ${pct(r.genderUncertain)} of these faces as 'uncertain' (top probability under inference.genderThreshold ${r.genderThreshold})`,
    '',
    mdTable(head, [cellRow('all', o), ...Object.entries(r.byGender).map(([k, c]) => cellRow(k, c))]),
    'by age band (bias table)',
    '',
    mdTable(
      head,
      Object.entries(r.byBand).map(([k, c]) => cellRow(k, c)),
    ),
    mdTable(
      head,
      Object.entries(r.byBandAndGender).map(([k, c]) => cellRow(k, c)),
    ),
    r.flaggedBands.length ? `age bands with MAE over twice the overall MAE: **${r.flaggedBands.join(', ')}**\n` : 'no age band has an MAE over twice the overall MAE\n',
  ].join('\n');
}
