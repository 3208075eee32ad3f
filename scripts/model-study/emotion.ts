// Emotion model study on a FER2013-layout folder (one sub-folder per class, 48x48 face crops).
// Usage:
//   npx tsx scripts/model-study/emotion.ts --data ../shared/data/fer2013-publictest \
//     [--human-models DIR] [--mini-xception FILE.onnx] [--limit-per-class N] \
//     [--calib ../shared/data/fer2013-train --calib-fraction 0.1] [--json OUT.json] [--cache DIR]
// Prints Markdown tables: accuracy, macro recall, per-class recall for every model, with and without
// horizontal-flip test-time augmentation, and for probability-averaging ensembles of the models.
import { readdir, writeFile, readFile, mkdir } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { tf, initTf, decodeRgb, toBatch01, flipH, parseArgs, packageDir, medianMs, pct } from './common.ts';
import { FER, humanEmotion, faceApiExpression, onnxMiniXception, type EmotionModel } from './emotion-models.ts';

const args = parseArgs(process.argv.slice(2));
if (!args.data) throw new Error('--data DIR is required (FER2013 layout: DIR/<class>/*.jpg)');
const limit = args['limit-per-class'] ? Number(args['limit-per-class']) : Infinity;
const BATCH = 64;

async function listSet(dir: string, perClass: number, fraction = 1): Promise<{ file: string; label: number }[]> {
  const items: { file: string; label: number }[] = [];
  for (const [label, cls] of FER.entries()) {
    let files: string[];
    try {
      files = (await readdir(join(dir, cls))).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort();
    } catch {
      throw new Error(`${dir}: missing class folder "${cls}"`);
    }
    // `fraction` keeps every k-th file so a calibration slice has the natural class priors
    const step = Math.max(1, Math.round(1 / fraction));
    for (const f of files.filter((_, i) => i % step === 0).slice(0, perClass)) items.push({ file: join(dir, cls, f), label });
  }
  return items;
}

type Probs = Float32Array[];
async function runModel(model: EmotionModel, files: string[], flip: boolean): Promise<Probs> {
  // Optional cache of the model outputs (probabilities only, never images) so a rerun that only
  // changes the analysis, or resumes after an interruption, does not repeat hours of inference.
  const cacheFile = args.cache ? join(args.cache, `${model.name}-${createHash('sha1').update(files.join('\n')).digest('hex').slice(0, 12)}-${flip ? 'flip' : 'plain'}.f32`) : null;
  if (cacheFile) {
    try {
      const buf = await readFile(cacheFile);
      const all = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
      if (all.length === files.length * 7) return files.map((_, i) => all.slice(i * 7, i * 7 + 7));
    } catch {
      /* not cached yet */
    }
  }
  const out: Probs = [];
  for (let i = 0; i < files.length; i += BATCH) {
    const imgs = await Promise.all(files.slice(i, i + BATCH).map(decodeRgb));
    const x = toBatch01(imgs);
    const xi = flip ? flipH(x) : x;
    out.push(...(await model.run(xi)));
    if (xi !== x) xi.dispose();
    x.dispose();
  }
  if (cacheFile) {
    await mkdir(args.cache, { recursive: true });
    const all = new Float32Array(out.length * 7);
    out.forEach((p, i) => all.set(p, i * 7));
    await writeFile(cacheFile, Buffer.from(all.buffer));
  }
  return out;
}

function average(sets: Probs[], weights?: number[]): Probs {
  const w = weights ?? sets.map(() => 1);
  const total = w.reduce((a, b) => a + b, 0);
  return sets[0].map((_, i) => {
    const p = new Float32Array(7);
    sets.forEach((s, j) => {
      for (let k = 0; k < 7; k++) p[k] += (w[j] / total) * s[i][k];
    });
    return p;
  });
}

function argmax(p: Float32Array, bias?: number[]): number {
  let best = 0;
  let bv = -Infinity;
  for (let k = 0; k < p.length; k++) {
    const v = bias ? Math.log(p[k] + 1e-9) + bias[k] : p[k];
    if (v > bv) {
      bv = v;
      best = k;
    }
  }
  return best;
}

interface Score {
  acc: number;
  macro: number;
  recall: number[];
  confusion: number[][];
}
function score(probs: Probs, labels: number[], bias?: number[]): Score {
  const confusion = FER.map(() => FER.map(() => 0));
  labels.forEach((y, i) => {
    confusion[y][argmax(probs[i], bias)]++;
  });
  const recall = confusion.map(
    (row, y) =>
      row[y] /
      Math.max(
        1,
        row.reduce((a, b) => a + b, 0),
      ),
  );
  const acc = confusion.reduce((a, row, y) => a + row[y], 0) / labels.length;
  return { acc, macro: recall.reduce((a, b) => a + b, 0) / recall.length, recall, confusion };
}

/** Per-class log-prior correction fitted by coordinate search for accuracy (7 numbers). */
function fitBias(probs: Probs, labels: number[]): number[] {
  const b = [0, 0, 0, 0, 0, 0, 0];
  for (let pass = 0; pass < 3; pass++) {
    for (let k = 0; k < 7; k++) {
      let best = b[k];
      let bestAcc = score(probs, labels, b).acc;
      for (let v = -1.5; v <= 1.5001; v += 0.1) {
        const trial = b.slice();
        trial[k] = Math.round(v * 10) / 10;
        const a = score(probs, labels, trial).acc;
        if (a > bestAcc + 1e-9) {
          bestAcc = a;
          best = trial[k];
        }
      }
      b[k] = best;
    }
  }
  return b;
}

function subsets<T>(xs: T[]): T[][] {
  const out: T[][] = [];
  for (let m = 1; m < 1 << xs.length; m++) out.push(xs.filter((_, i) => m & (1 << i)));
  return out;
}

async function main() {
  const backend = await initTf(args.backend ?? 'wasm');
  const humanDir = join(packageDir('@vladmandic/human'), 'models');
  const faceApiDir = join(packageDir('@vladmandic/face-api'), 'model');
  const models: EmotionModel[] = [await humanEmotion(join(humanDir, 'emotion.json')), await faceApiExpression(faceApiDir)];
  if (args['mini-xception']) models.push(await onnxMiniXception(args['mini-xception']));

  const set = await listSet(args.data, limit);
  const labels = set.map((s) => s.label);
  const files = set.map((s) => s.file);
  console.error(`backend ${backend}; ${files.length} images from ${args.data}`);

  const plain: Record<string, Probs> = {};
  const flipped: Record<string, Probs> = {};
  const speed: Record<string, { b1: number; b8: number }> = {};
  for (const m of models) {
    const t0 = performance.now();
    plain[m.name] = await runModel(m, files, false);
    flipped[m.name] = await runModel(m, files, true);
    console.error(`${m.name}: ${((performance.now() - t0) / 1000).toFixed(1)} s for ${2 * files.length} inferences`);
    speed[m.name] = { b1: await medianMs(() => m.bench(1)), b8: await medianMs(() => m.bench(8), 15) };
  }

  const rowsOut: { name: string; s: Score }[] = [];
  const variants: { name: string; probs: Probs; members: string[]; flip: boolean; weights?: number[] }[] = [];
  for (const combo of subsets(models.map((m) => m.name))) {
    const tag = combo.join(' + ');
    variants.push({ name: tag, probs: average(combo.map((n) => plain[n])), members: combo, flip: false });
    variants.push({ name: `${tag} (flip TTA)`, probs: average(combo.flatMap((n) => [plain[n], flipped[n]])), members: combo, flip: true });
    if (combo.length === 2) {
      // 2:1 weightings: the stronger single model may deserve more say than the weaker one
      for (const w of [
        [2, 1],
        [1, 2],
      ]) {
        const weights = [w[0], w[0], w[1], w[1]];
        variants.push({
          name: `${w[0]}x ${combo[0]} + ${w[1]}x ${combo[1]} (flip TTA)`,
          probs: average(
            combo.flatMap((n) => [plain[n], flipped[n]]),
            weights,
          ),
          members: combo,
          flip: true,
          weights,
        });
      }
    }
  }
  for (const v of variants) rowsOut.push({ name: v.name, s: score(v.probs, labels) });

  const head = `| model | accuracy % | macro recall % | ${FER.join(' | ')} |\n|---|---|---|${FER.map(() => '---').join('|')}|`;
  const line = (name: string, s: Score) => `| ${name} | ${pct(s.acc)} | ${pct(s.macro)} | ${s.recall.map(pct).join(' | ')} |`;
  console.log(`\n### Emotion, ${files.length} images (${args.data})\n\n${head}`);
  for (const r of rowsOut) console.log(line(r.name, r.s));

  const best = rowsOut.reduce((a, b) => (b.s.acc > a.s.acc ? b : a));
  console.log(`\nConfusion matrix of the best variant (${best.name}); rows = truth, columns = prediction, order ${FER.join(', ')}:\n`);
  console.log(`| truth \\ pred | ${FER.join(' | ')} |\n|---|${FER.map(() => '---').join('|')}|`);
  best.s.confusion.forEach((row, y) => console.log(`| ${FER[y]} | ${row.join(' | ')} |`));

  console.log(`\n### Emotion model latency (backend ${backend}, median ms per call, model only)\n\n| model | batch 1 | batch 8 | per image at batch 8 |\n|---|---|---|---|`);
  for (const [n, s] of Object.entries(speed)) console.log(`| ${n} | ${s.b1.toFixed(2)} | ${s.b8.toFixed(2)} | ${(s.b8 / 8).toFixed(2)} |`);

  let calibrated: { name: string; bias: number[]; s: Score }[] = [];
  if (args.calib) {
    // Fit a 7-number log-prior correction per variant on a class-balanced slice of the calibration
    // set, then score the untouched test set with it. Nothing derived from the data is stored.
    const fraction = Number(args['calib-fraction'] ?? 0.1);
    const cset = await listSet(args.calib, Infinity, fraction);
    const cl = cset.map((s) => s.label);
    const cp: Record<string, Probs> = {};
    const cf: Record<string, Probs> = {};
    for (const m of models) {
      cp[m.name] = await runModel(
        m,
        cset.map((s) => s.file),
        false,
      );
      cf[m.name] = await runModel(
        m,
        cset.map((s) => s.file),
        true,
      );
    }
    // calibrate the best few variants plus every single model with flip TTA
    const top = [...rowsOut]
      .sort((a, b) => b.s.acc - a.s.acc)
      .slice(0, 6)
      .map((r) => r.name);
    for (const v of variants.filter((x) => top.includes(x.name) || (x.members.length === 1 && x.flip))) {
      const calibProbs = average(
        v.members.flatMap((n) => (v.flip ? [cp[n], cf[n]] : [cp[n]])),
        v.weights,
      );
      const bias = fitBias(calibProbs, cl);
      calibrated.push({ name: v.name, bias, s: score(v.probs, labels, bias) });
    }
    console.log(
      `\n### With a per-class log-prior bias fitted on ${cset.length} images of ${args.calib} (every ${Math.round(1 / fraction)}th file per class by name: natural class priors)\n\n${head.replace('| model |', '| model (+bias) |')}`,
    );
    for (const c of calibrated) console.log(line(c.name, c.s));
    console.log('\n| model | bias (log-prob offset per class, FER order) |\n|---|---|');
    for (const c of calibrated) console.log(`| ${c.name} | ${c.bias.join(', ')} |`);
  } else calibrated = [];

  if (args.json) {
    await writeFile(
      args.json,
      JSON.stringify(
        {
          data: args.data,
          n: files.length,
          backend,
          speed,
          results: rowsOut.map((r) => ({ name: r.name, acc: r.s.acc, macro: r.s.macro, recall: r.s.recall })),
          calibrated: calibrated.map((c) => ({ name: c.name, bias: c.bias, acc: c.s.acc, macro: c.s.macro, recall: c.s.recall })),
        },
        null,
        2,
      ),
    );
  }
  tf.disposeVariables();
}

await main();
