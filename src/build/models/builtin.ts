import type { Manifest } from '../../inference/runtime/manifest.ts';

/**
 * The models Glance builds from npm packages: four TFJS graph models from @vladmandic/human and
 * face-api's weights-only AgeGenderNet (its architecture is written down in convert/faceapi/).
 * Per model: where it comes from, what its tensors are called in the ONNX output, and the
 * hand-written half of its manifest. The build step adds the measured half (shapes, hashes, sizes).
 *
 * Pre-processing matches each package's own code (human src/face/*.ts, src/gear/emotion.ts;
 * face-api src/xception/TinyXception.ts): blazeface x/127.5 − 1, facemesh x/255, emotion grayscale
 * (x/255 − 0.5)·2, faceres x·1 (0..255), agegender (x − mean RGB)/255.
 */
export interface BuiltinModel {
  name: string;
  /** npm package that ships the source files. */
  package: string;
  /** 'tfjs-graph': a model.json with topology; 'faceapi-weights': a face-api weights manifest. */
  format: 'tfjs-graph' | 'faceapi-weights';
  /** model.json (or weights manifest) path inside the package. */
  source: string;
  /** TF output tensor → ONNX output name, with what the output means. */
  outputs: Record<string, { name: string; meaning: string; labelled?: boolean }>;
  manifest: Pick<Manifest, 'task' | 'decoder' | 'description' | 'labels' | 'licence' | 'accuracy'> & {
    input: Omit<Manifest['input'], 'name' | 'shape' | 'layout'>;
    upstream: string;
  };
}

export const HUMAN_PACKAGE = '@vladmandic/human';
export const FACEAPI_PACKAGE = '@vladmandic/face-api';

const humanLicence = (upstream: string): Manifest['licence'] => ({
  spdx: 'MIT',
  source: `${HUMAN_PACKAGE} package.json "license" and LICENSE (the package redistributes the converted weights)`,
  note: upstream,
});

/** A TFJS graph model from @vladmandic/human, whose model.json is models/<name>.json in the package. */
const humanModel = (name: string, spec: Pick<BuiltinModel, 'outputs' | 'manifest'>): BuiltinModel => ({
  name,
  package: HUMAN_PACKAGE,
  format: 'tfjs-graph',
  source: `models/${name}.json`,
  ...spec,
});

export const BUILTIN_MODELS: readonly BuiltinModel[] = [
  humanModel('blazeface', {
    outputs: {
      Identity: { name: 'logits_16', meaning: 'face logit per stride-16 anchor (16×16 cells × 2 anchors = 512); sigmoid gives the score' },
      Identity_1: { name: 'logits_32', meaning: 'face logit per stride-32 anchor (8×8 cells × 6 anchors = 384)' },
      Identity_2: {
        name: 'boxes_16',
        meaning: 'per stride-16 anchor: cx, cy, w, h, then 6 keypoints (x, y), in input pixels relative to the anchor centre',
      },
      Identity_3: { name: 'boxes_32', meaning: 'the same for the stride-32 anchors' },
    },
    manifest: {
      task: 'face-detector',
      decoder: 'blazeface',
      description: 'MediaPipe BlazeFace, back-camera (256 px) variant, as shipped in @vladmandic/human',
      input: { width: 256, height: 256, colour: 'rgb', mean: [127.5, 127.5, 127.5], std: [127.5, 127.5, 127.5], note: 'x / 127.5 − 1 (range −1..1)' },
      licence: humanLicence('upstream: Google MediaPipe face detection models, Apache-2.0'),
      upstream: 'https://github.com/google/mediapipe',
    },
  }),
  humanModel('facemesh', {
    outputs: {
      Identity_2: { name: 'mesh', meaning: '468 landmarks × (x, y, z) in crop pixels (x, y in 0..192)' },
      Identity_1: { name: 'faceflag', meaning: 'probability that the crop holds a face (sigmoid)' },
      Identity: { name: 'contours', meaning: '133 contour points × (x, y) (unused by Glance)' },
    },
    manifest: {
      task: 'face-landmarks',
      decoder: 'facemesh',
      description: 'MediaPipe Face Mesh (468 points), as shipped in @vladmandic/human',
      input: { width: 192, height: 192, colour: 'rgb', mean: [0, 0, 0], std: [255, 255, 255], note: 'x / 255 (range 0..1)' },
      licence: humanLicence('upstream: Google MediaPipe Face Mesh, Apache-2.0'),
      upstream: 'https://github.com/google/mediapipe',
    },
  }),
  humanModel('emotion', {
    outputs: {
      Identity: { name: 'probabilities', meaning: 'softmax over the 7 FER2013 classes, in `labels` order', labelled: true },
    },
    manifest: {
      task: 'emotion',
      decoder: 'fer-emotion',
      description: 'mini-Xception FER2013 emotion classifier (oarriaga/face_classification), as shipped in @vladmandic/human',
      input: {
        width: 64,
        height: 64,
        colour: 'gray',
        mean: [127.5],
        std: [127.5],
        note: 'grayscale = 0.2989 R + 0.5870 G + 0.1140 B, then (x/255 − 0.5)·2 (range −1..1)',
      },
      labels: ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'],
      licence: humanLicence('upstream: oarriaga/face_classification, MIT'),
      accuracy: [
        {
          metric: 'top-1 accuracy',
          value: 0.66,
          dataset: 'FER2013 test',
          source: 'upstream README, https://github.com/oarriaga/face_classification (not re-measured here; see `glance eval emotion`)',
        },
      ],
      upstream: 'https://github.com/oarriaga/face_classification',
    },
  }),
  humanModel('faceres', {
    outputs: {
      'gender_pred/Sigmoid': { name: 'gender', meaning: 'P(male) (sigmoid; human reports male above 0.5)' },
      'age_pred/Softmax': { name: 'age', meaning: 'softmax over ages 0..99 years (bin i = i years)' },
      'global_pooling/Mean': { name: 'descriptor', meaning: '1024-d face descriptor; Glance never reads or stores it' },
    },
    manifest: {
      task: 'age-gender',
      decoder: 'faceres',
      description: 'HSE FaceRes multi-output MobileNet (age, gender, descriptor), as shipped in @vladmandic/human',
      input: { width: 224, height: 224, colour: 'rgb', mean: [0, 0, 0], std: [1, 1, 1], note: 'raw 0..255' },
      licence: humanLicence('upstream: HSE-asavchenko/HSE_FaceRec_tf (A. Savchenko, PeerJ CS 5:e197, 2019); its own licence is not stated in the package'),
      upstream: 'https://github.com/HSE-asavchenko/HSE_FaceRec_tf',
    },
  }),
  {
    name: 'agegender',
    package: FACEAPI_PACKAGE,
    format: 'faceapi-weights',
    source: 'model/age_gender_model-weights_manifest.json',
    outputs: {
      'age/BiasAdd': { name: 'age', meaning: 'age in years (regression)' },
      'gender/Softmax': { name: 'gender', meaning: 'softmax over [male, female]' },
    },
    manifest: {
      task: 'age-gender',
      decoder: 'faceapi-age-gender',
      description: 'face-api AgeGenderNet (TinyXception backbone, age regression + gender softmax), as shipped in @vladmandic/face-api',
      input: {
        width: 112,
        height: 112,
        colour: 'rgb',
        mean: [122.782, 117.001, 104.298],
        std: [255, 255, 255],
        note: '(x − mean RGB) / 255, as face-api normalises',
      },
      labels: ['male', 'female'],
      licence: {
        spdx: 'MIT',
        source: `${FACEAPI_PACKAGE} package.json "license" and LICENSE (the package redistributes the weights)`,
        note: 'upstream: justadudewhocodes/face-api.js, MIT; trained by its author on UTKFace and other sets',
      },
      upstream: 'https://github.com/justadudewhocodes/face-api.js',
    },
  },
];
