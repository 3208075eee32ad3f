import { existsSync } from 'node:fs';
import { basename, extname, isAbsolute, resolve } from 'node:path';
import type { TensorFormat } from '../image/warp.ts';
import { manifestSource, type ManifestSource, type ModelSource } from './manifest.ts';
import { ResourceError } from '../../core/errors.ts';

/**
 * What the analyzer needs to know about a model to feed it and decode it: the decoder family, the
 * input geometry and normalisation, labels, and how much context around a face its crop wants.
 * Derived from the model's validated manifest (`models/<name>.json`, see manifest.ts, the one reader
 * of manifests), with per-family defaults for the optional crop and labels; a bare `family:model.onnx`
 * takes everything from its family's defaults.
 */
export type Task = 'face-detector' | 'face-landmarks' | 'emotion' | 'age-gender';

export interface ModelDescriptor extends ModelSource {
  task: Task;
  /** Decoder family: blazeface | yunet | ultraface | facemesh | fer-emotion | faceres | faceapi-age-gender. */
  family: string;
  input: TensorFormat & { name?: string; width: number; height: number };
  labels?: string[];
  /**
   * Attribute and landmark models: side of the square crop relative to the face's reference size
   * (the width of the landmark mesh, or the detector box scaled to match it).
   */
  crop: number;
}

type FamilyDefaults = Omit<ModelDescriptor, keyof ModelSource>;

const EMOTION_LABELS = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'];

/** Defaults follow each model's upstream pre-processing (see the decoders for the sources). */
export const FAMILY_DEFAULTS: Record<string, FamilyDefaults> = {
  // @vladmandic/human blazeface (back camera): 256x256 NHWC RGB scaled to [-1, 1].
  blazeface: { task: 'face-detector', family: 'blazeface', crop: 1, input: { width: 256, height: 256, layout: 'nhwc', colour: 'rgb', mean: [127.5, 127.5, 127.5], std: [127.5, 127.5, 127.5] } },
  // libfacedetection YuNet: NCHW BGR 0..255, any size divisible by 32 for the dynamic exports.
  yunet: { task: 'face-detector', family: 'yunet', crop: 1, input: { width: 320, height: 320, layout: 'nchw', colour: 'bgr', mean: [0, 0, 0], std: [1, 1, 1] } },
  // Ultra-Light-Fast-Generic-Face-Detector: 320x240 NCHW RGB, (x - 127) / 128.
  ultraface: { task: 'face-detector', family: 'ultraface', crop: 1, input: { width: 320, height: 240, layout: 'nchw', colour: 'rgb', mean: [127, 127, 127], std: [128, 128, 128] } },
  // MediaPipe face mesh as shipped in human: 192x192 NHWC RGB 0..1, 468 points (x, y, z) in crop pixels.
  facemesh: { task: 'face-landmarks', family: 'facemesh', crop: 1.5, input: { width: 192, height: 192, layout: 'nhwc', colour: 'rgb', mean: [0, 0, 0], std: [255, 255, 255] } },
  // FER2013 classifiers (human's emotion, mini-Xception): 64x64 grayscale scaled to [-1, 1].
  'fer-emotion': { task: 'emotion', family: 'fer-emotion', crop: 1.15, labels: EMOTION_LABELS, input: { width: 64, height: 64, layout: 'nhwc', colour: 'gray', mean: [127.5], std: [127.5] } },
  // HSE FaceRes (human's faceres): 224x224 NHWC RGB 0..255; outputs gender sigmoid, 100 age bins, descriptor.
  faceres: { task: 'age-gender', family: 'faceres', crop: 1.3, input: { width: 224, height: 224, layout: 'nhwc', colour: 'rgb', mean: [0, 0, 0], std: [1, 1, 1] } },
  // face-api AgeGenderNet: 112x112 NHWC RGB, (x − mean RGB) / 255; outputs age in years and [male, female].
  // Crop 1.2 × brow-to-chin: measured on UTKFace-4k (1.1 / 1.2 / 1.3 gave gender 91.4 / 91.8 / 91.4 %,
  // MAE 6.69 / 6.62 / 6.71); UTK's own chips are ~1.1 × that size.
  'faceapi-age-gender': {
    task: 'age-gender',
    family: 'faceapi-age-gender',
    crop: 1.2,
    labels: ['male', 'female'],
    input: { width: 112, height: 112, layout: 'nhwc', colour: 'rgb', mean: [122.782, 117.001, 104.298], std: [255, 255, 255] },
  },
};

/** Default family for the built-in model names, for a models/ folder that has only .onnx files. */
const NAME_FAMILY: Record<string, string> = { blazeface: 'blazeface', facemesh: 'facemesh', emotion: 'fer-emotion', faceres: 'faceres', agegender: 'faceapi-age-gender' };

/**
 * Resolves a model reference from config or the command line: a name in modelsDir (name.json, else a
 * known name's or an existing name.onnx), a path to a manifest (.json) or a path to an .onnx file whose
 * family is given as `family:path.onnx` or guessed from the file name.
 */
export function resolveDescriptor(ref: string, modelsDir: string, expectTask?: Task): ModelDescriptor {
  let family: string | undefined;
  let target = ref;
  const colon = ref.indexOf(':');
  if (colon > 0 && FAMILY_DEFAULTS[ref.slice(0, colon)]) {
    family = ref.slice(0, colon);
    target = ref.slice(colon + 1);
  }
  const ext = extname(target).toLowerCase();
  let desc: ModelDescriptor;
  if (ext === '.json') {
    desc = describeManifest(absolute(target), family);
  } else if (ext === '.onnx') {
    const file = absolute(target);
    desc = describeBareFile(basename(file, '.onnx'), file, family ?? guessFamily(basename(file)));
  } else {
    const manifest = resolve(modelsDir, `${target}.json`);
    const file = resolve(modelsDir, `${target}.onnx`);
    if (existsSync(manifest)) desc = describeManifest(manifest, family);
    else {
      family ??= NAME_FAMILY[target];
      // Neither a manifest, nor a name the family defaults know, nor a file to guess from: no such model.
      if (!family && !existsSync(file)) throw new ResourceError(`model ${target}: no manifest ${manifest} (built-in models come from \`glance models build\`)`);
      desc = describeBareFile(target, file, family ?? guessFamily(target));
    }
  }
  if (expectTask && desc.task !== expectTask) {
    throw new ResourceError(`model ${desc.name}: is a ${desc.task} model (family ${desc.family}), expected a ${expectTask} model`);
  }
  return desc;
}

function absolute(p: string): string {
  return isAbsolute(p) ? p : resolve(process.cwd(), p);
}

function guessFamily(fileName: string): string {
  const n = fileName.toLowerCase();
  for (const f of ['blazeface', 'yunet', 'ultraface', 'facemesh', 'faceres']) if (n.includes(f)) return f;
  if (n.includes('version-rfb') || n.includes('version-slim')) return 'ultraface';
  if (n.includes('xception') || n.includes('emotion') || n.includes('fer')) return 'fer-emotion';
  throw new ResourceError(`model ${fileName}: cannot tell its decoder family; write a manifest or pass FAMILY:PATH.onnx (families: ${Object.keys(FAMILY_DEFAULTS).join(', ')})`);
}

/** The manifest states the input in full; the family adds only what the manifest may leave out. */
function describeManifest(manifestFile: string, familyOverride?: string): ModelDescriptor & ManifestSource {
  const source = manifestSource(manifestFile);
  const { manifest: m } = source;
  const family = familyOverride ?? m.decoder;
  const base = defaultsOf(family, m.name);
  const { name, width, height, layout, colour, mean, std } = m.input;
  return {
    ...source,
    task: m.task,
    family,
    crop: m.crop ?? base.crop,
    labels: m.labels ?? base.labels,
    input: { name, width, height, layout: layout === 'NCHW' ? 'nchw' : 'nhwc', colour, mean, std },
  };
}

/** A bare .onnx has nothing but its family; the input name is left to the model's first input. */
function describeBareFile(name: string, file: string, family: string): ModelDescriptor {
  const base = defaultsOf(family, name);
  return { ...base, name, file, input: { ...base.input } };
}

function defaultsOf(family: string, model: string): FamilyDefaults {
  const base = FAMILY_DEFAULTS[family];
  if (!base) throw new ResourceError(`model ${model}: unknown decoder family "${family}" (known: ${Object.keys(FAMILY_DEFAULTS).join(', ')})`);
  return base;
}
