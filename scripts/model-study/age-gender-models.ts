// Age/gender candidates for the model study, each with the preprocessing and output decoding of
// its original source (human src/face/faceres.ts, src/gear/gear.ts, src/gear/ssrnet-*.ts; face-api
// src/ageGenderNet). `run` takes a float [N,H,W,3] RGB batch in 0..1 (the range human hands its
// face crops to these models) plus the face-crop box inside it.
import { join } from 'node:path';
import { tf, faceapi, loadGraph, cropResize, type Box, type Tensor4D } from './common.ts';

type T = import('@tensorflow/tfjs').Tensor;

export interface AgeGenderOut {
  /** P(male), or null when the model has no gender head */
  pMale: number[] | null;
  /** age in years with the source's own decoding, or null when the model has no age head */
  age: number[] | null;
  /** alternative decoding (expectation over the age distribution) where the output is a distribution */
  ageExpect?: number[];
}
export interface AgeGenderModel {
  name: string;
  run(x01: Tensor4D, face: Box): Promise<AgeGenderOut>;
  bench(n: number): Promise<void>;
}

/** A box inside a box, both [top, left, bottom, right] normalised. */
export function within(outer: Box, inner: Box): Box {
  const h = outer[2] - outer[0];
  const w = outer[3] - outer[1];
  return [outer[0] + inner[0] * h, outer[1] + inner[1] * w, outer[0] + inner[2] * h, outer[1] + inner[3] * w];
}

async function rows(t: T): Promise<number[][]> {
  return (await t.array()) as number[][];
}

/**
 * human faceres (HSE FaceRes) and faceres-deep: crop -> resizeBilinear 224x224, RGB x255 (0..255),
 * outputs gender sigmoid [N,1] (<= 0.5 female), age softmax [N,100] (1-year bins), descriptor [N,1024].
 * human's age decoding: i = argmax; age = i - 10*p[i-1] if p[i-1] > p[i+1] else i + 10*p[i+1].
 */
export async function faceres(name: string, jsonPath: string, norm: 'x255' | 'pm1' = 'x255', bgr = false): Promise<AgeGenderModel> {
  const model = await loadGraph(jsonPath);
  const size = model.inputs[0].shape![1];
  const exec = (x: Tensor4D) => model.execute(x) as T[];
  return {
    name,
    async run(x01, face) {
      const inp = tf.tidy(() => {
        let r = cropResize(x01, face, [size, size]) as T;
        if (bgr) r = tf.reverse(r, 3);
        // human: x255; Keras MobileNet's own convention (probe): x/127.5 - 1 on 0..255, i.e. 2x - 1 here
        return (norm === 'x255' ? tf.mul(r, 255) : tf.sub(tf.mul(r, 2), 1)) as Tensor4D;
      });
      const outs = exec(inp);
      const g = outs.find((t) => t.shape[1] === 1)!;
      const a = outs.find((t) => t.shape[1] === 100)!;
      const gp = (await rows(g)).map((r) => r[0]);
      const dist = await rows(a);
      inp.dispose();
      outs.forEach((t) => t.dispose());
      const age = dist.map((p) => {
        let i = 0;
        for (let k = 1; k < p.length; k++) if (p[k] > p[i]) i = k;
        const prev = p[i - 1];
        const next = p[i + 1];
        return Math.round(prev > next ? 10 * i - 100 * prev : 10 * i + 100 * (next ?? 0)) / 10;
      });
      const ageExpect = dist.map((p) => p.reduce((s, v, k) => s + v * k, 0));
      return { pMale: gp, age, ageExpect };
    },
    async bench(n) {
      const x = tf.randomUniform([n, size, size, 3], 0, 255) as Tensor4D;
      const o = exec(x);
      await Promise.all(o.map((t) => t.data()));
      x.dispose();
      o.forEach((t) => t.dispose());
    },
  };
}

/**
 * human-models gear (GEAR predictor): cropAndResize of the face crop with human's empirical box
 * [top 0, left 0.10, bottom 0.90, right 0.90] to 198x198; human feeds the 0..1 RGB tensor as is
 * (`scale` 255 available to test the alternative); outputs age_output [N,7] over bands
 * <20, 21-25, 26-30, 31-40, 41-50, 51-60, >60 (human weights 15, 23, 28, 35.5, 45.5, 55.5, 65),
 * gender_output [N,2] (index 0 = male), race_output [N,5].
 */
export async function gear(jsonPath: string, scale = 1, inner: Box = [0, 0.1, 0.9, 0.9], name = 'gear'): Promise<AgeGenderModel> {
  const model = await loadGraph(jsonPath);
  const w = [15, 23, 28, 35.5, 45.5, 55.5, 65];
  const exec = (x: Tensor4D) => model.execute(x, ['age_output', 'gender_output']) as T[];
  return {
    name,
    async run(x01, face) {
      const inp = tf.tidy(() => tf.mul(cropResize(x01, within(face, inner), [198, 198]), scale) as Tensor4D);
      const [a, g] = exec(inp);
      const ad = await rows(a);
      const gd = await rows(g);
      inp.dispose();
      a.dispose();
      g.dispose();
      const age = ad.map((p) => {
        // human's decoding: start at the top band, pull toward every other band by its probability
        const sorted = p.map((v, i) => [w[i], v]).sort((x, y) => y[1] - x[1]);
        let v = sorted[0][0];
        for (let i = 1; i < sorted.length; i++) v += sorted[i][1] * (sorted[i][0] - v);
        return Math.round(10 * v) / 10;
      });
      const ageExpect = ad.map((p) => p.reduce((s, v, i) => s + v * w[i], 0) / p.reduce((s, v) => s + v, 0));
      return { pMale: gd.map((r) => r[0] / (r[0] + r[1])), age, ageExpect };
    },
    async bench(n) {
      const x = tf.randomUniform([n, 198, 198, 3], 0, scale) as Tensor4D;
      const o = exec(x);
      await Promise.all(o.map((t) => t.data()));
      x.dispose();
      o.forEach((t) => t.dispose());
    },
  };
}

/** human-models ssrnet age (age.json, SSR-Net): resizeBilinear 64x64, RGB x255, output age [N,1] in years. */
export async function ssrnetAge(jsonPath: string, name = 'ssrnet-age', scale = 255, bgr = false): Promise<AgeGenderModel> {
  const model = await loadGraph(jsonPath);
  return {
    name,
    async run(x01, face) {
      const inp = tf.tidy(() => {
        const r = cropResize(x01, face, [64, 64]);
        return tf.mul(bgr ? tf.reverse(r, 3) : r, scale) as Tensor4D;
      });
      const out = model.execute(inp) as T;
      const age = (await rows(out)).map((r) => r[0]);
      inp.dispose();
      out.dispose();
      return { pMale: null, age };
    },
    async bench(n) {
      const x = tf.randomUniform([n, 64, 64, 3], 0, 255) as Tensor4D;
      const o = model.execute(x) as T;
      await o.data();
      x.dispose();
      o.dispose();
    },
  };
}

/**
 * SSR-Net gender models. gender.json (64x64x1): grayscale 0.2989/0.5870/0.1140 on 0..1, (g-0.5)*2,
 * output [N,2] = [female, male] (human src/gear/ssrnet-gender.ts). gender-ssrnet-imdb.json
 * (64x64x3, single output [N,1], the SSR-Net gender regressor, 1 = male): human's code would apply
 * (x-0.5)*2 to RGB, but SSR-Net was trained on raw 0..255 images, so `norm` selects the variant.
 */
export async function ssrnetGender(jsonPath: string, norm: 'pm1' | 'x255' | 'x1', name: string, bgr = false, invert = false): Promise<AgeGenderModel> {
  const model = await loadGraph(jsonPath);
  const ch = model.inputs[0].shape![3];
  const pre = (x01: Tensor4D, face: Box) =>
    tf.tidy(() => {
      let r = cropResize(x01, face, [64, 64]) as T;
      if (bgr) r = tf.reverse(r, 3);
      if (ch === 1) r = tf.sum(tf.mul(r, tf.tensor1d([0.2989, 0.587, 0.114])), 3, true);
      return (norm === 'pm1' ? tf.mul(tf.sub(r, 0.5), 2) : norm === 'x255' ? tf.mul(r, 255) : r) as Tensor4D;
    });
  return {
    name,
    async run(x01, face) {
      const inp = pre(x01, face);
      const out = model.execute(inp) as T;
      const d = await rows(out);
      inp.dispose();
      out.dispose();
      const pMale = d.map((r) => (r.length === 2 ? r[1] / (r[0] + r[1]) : Math.min(1, Math.max(0, r[0]))));
      if (invert) for (let i = 0; i < pMale.length; i++) pMale[i] = 1 - pMale[i];
      return { pMale, age: null };
    },
    async bench(n) {
      const x = tf.randomUniform([n, 64, 64, ch], -1, 1) as Tensor4D;
      const o = model.execute(x) as T;
      await o.data();
      x.dispose();
      o.dispose();
    },
  };
}

/**
 * face-api age_gender_model (AgeGenderNet on TinyXception, weights-only manifest, architecture in
 * face-api's source): RGB 0..255, pad to square, resizeBilinear 112x112, minus mean RGB
 * [122.782, 117.001, 104.298], /255; age is a regression in years, gender softmax [male, female].
 */
export async function faceApiAgeGender(modelDir: string): Promise<AgeGenderModel> {
  const net = new faceapi.AgeGenderNet();
  await net.loadFromDisk(join(modelDir, 'age_gender_model-weights_manifest.json'));
  const forward = async (x255: Tensor4D) => {
    const list = tf.unstack(x255);
    const out = net.forwardInput(new faceapi.NetInput(list, true)) as { age: T; gender: T };
    const age = Array.from(await out.age.data());
    const g = await rows(out.gender);
    list.forEach((t) => t.dispose());
    out.age.dispose();
    out.gender.dispose();
    return { age, pMale: g.map((r) => r[0]) };
  };
  return {
    name: 'faceapi-age-gender',
    async run(x01, face) {
      const x255 = tf.tidy(() => tf.mul(cropResize(x01, face, [112, 112]), 255) as Tensor4D);
      const r = await forward(x255);
      x255.dispose();
      return r;
    },
    async bench(n) {
      const x = tf.randomUniform([n, 112, 112, 3], 0, 255) as Tensor4D;
      await forward(x);
      x.dispose();
    },
  };
}
