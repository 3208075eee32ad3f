// Emotion candidates for the model study, each with the preprocessing and label order of its
// original source. Every `run` takes a float [N,H,W,3] batch in 0..1 (RGB) and returns
// probabilities in the FER2013 order below, so results can be compared and averaged.
import { join } from 'node:path';
import { tf, faceapi, loadGraph, type Tensor4D } from './common.ts';

export const FER = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'] as const;

export interface EmotionModel {
  name: string;
  /** probabilities [N][7] in FER order */
  run(x01: Tensor4D): Promise<Float32Array[]>;
  /** run on an already preprocessed input, for latency measurement at batch n */
  bench(n: number): Promise<void>;
}

function rows(data: Float32Array | Int32Array | Uint8Array, n: number, k: number, order: number[]): Float32Array[] {
  // order[i] = FER index of the model's i-th output
  const out: Float32Array[] = [];
  for (let r = 0; r < n; r++) {
    const p = new Float32Array(7);
    for (let i = 0; i < k; i++) p[order[i]] = Number(data[r * k + i]);
    out.push(p);
  }
  return out;
}

/**
 * @vladmandic/human `models/emotion.json` (oarriaga mini-Xception, FER2013), as in human src/gear/emotion.ts:
 * resizeBilinear to 64x64 (alignCorners false), grayscale = 0.2989 R + 0.5870 G + 0.1140 B on 0..1,
 * then (g - 0.5) * 2; output is already a softmax in FER order.
 */
export async function humanEmotion(jsonPath: string): Promise<EmotionModel> {
  const model = await loadGraph(jsonPath);
  const pre = (x: Tensor4D) =>
    tf.tidy(() => {
      const r = tf.image.resizeBilinear(x, [64, 64], false);
      const g = tf.sum(tf.mul(r, tf.tensor1d([0.2989, 0.587, 0.114])), 3, true);
      return tf.mul(tf.sub(g, 0.5), 2) as Tensor4D;
    });
  return {
    name: 'human-emotion',
    async run(x) {
      const inp = pre(x);
      const out = model.execute(inp) as import('@tensorflow/tfjs').Tensor;
      const data = (await out.data()) as Float32Array;
      inp.dispose();
      out.dispose();
      return rows(data, x.shape[0], 7, [0, 1, 2, 3, 4, 5, 6]);
    },
    async bench(n) {
      const inp = tf.randomUniform([n, 64, 64, 1], -1, 1);
      const out = model.execute(inp) as import('@tensorflow/tfjs').Tensor;
      await out.data();
      inp.dispose();
      out.dispose();
    },
  };
}

/**
 * @vladmandic/face-api `model/face_expression_model` (FaceExpressionNet on FaceFeatureExtractor, a
 * weights-only manifest whose architecture lives in face-api's source), as in face-api
 * src/faceFeatureExtractor/FaceFeatureExtractor.ts: RGB 0..255, padded to square (centred),
 * resizeBilinear to 112x112, minus mean RGB [122.782, 117.001, 104.298], divided by 255; softmax
 * over labels neutral, happy, sad, angry, fearful, disgusted, surprised.
 */
export async function faceApiExpression(modelDir: string): Promise<EmotionModel> {
  const net = new faceapi.FaceExpressionNet();
  await net.loadFromDisk(join(modelDir, 'face_expression_model-weights_manifest.json'));
  const order = [6, 3, 4, 0, 2, 1, 5];
  const forward = async (x255: Tensor4D) => {
    const list = tf.unstack(x255);
    const out = net.forwardInput(new faceapi.NetInput(list, true)) as import('@tensorflow/tfjs').Tensor;
    const data = (await out.data()) as Float32Array;
    list.forEach((t) => t.dispose());
    out.dispose();
    return data;
  };
  return {
    name: 'faceapi-expression',
    async run(x) {
      // Our crops are square already, so padToSquare is a no-op; resize here exactly as face-api does.
      const x255 = tf.tidy(() => tf.mul(tf.image.resizeBilinear(x, [112, 112], false, false), 255) as Tensor4D);
      const data = await forward(x255);
      x255.dispose();
      return rows(data, x.shape[0], 7, order);
    },
    async bench(n) {
      const x255 = tf.randomUniform([n, 112, 112, 3], 0, 255) as Tensor4D;
      await forward(x255);
      x255.dispose();
    },
  };
}

/**
 * The comparison mini-Xception in ../shared/models (ONNX, run with onnxruntime-node):
 * input_1 [N,64,64,1] NHWC grayscale, (x/255 - 0.5) * 2, softmax in FER order.
 */
export async function onnxMiniXception(onnxPath: string): Promise<EmotionModel> {
  const ort = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(onnxPath, { intraOpNumThreads: 1 });
  const inName = session.inputNames[0];
  const outName = session.outputNames[0];
  const runRaw = async (data: Float32Array, n: number) => {
    const res = await session.run({ [inName]: new ort.Tensor('float32', data, [n, 64, 64, 1]) });
    return res[outName].data as Float32Array;
  };
  return {
    name: 'onnx-mini-xception',
    async run(x) {
      const inp = tf.tidy(() => {
        const r = tf.image.resizeBilinear(x, [64, 64], false);
        const g = tf.sum(tf.mul(r, tf.tensor1d([0.2989, 0.587, 0.114])), 3, true);
        return tf.mul(tf.sub(g, 0.5), 2);
      });
      const data = await runRaw((await inp.data()) as Float32Array, x.shape[0]);
      inp.dispose();
      return rows(data, x.shape[0], 7, [0, 1, 2, 3, 4, 5, 6]);
    },
    async bench(n) {
      await runRaw(new Float32Array(n * 64 * 64).fill(0.1), n);
    },
  };
}
