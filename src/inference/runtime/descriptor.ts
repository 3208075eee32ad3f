import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, resolve } from 'node:path';
import type { TensorFormat } from '../image/warp.ts';
import { ResourceError } from '../../core/errors.ts';

/**
 * What the analyzer needs to know about a model to feed it and decode it: the decoder family, the
 * input geometry and normalisation, labels, and how much context around a face its crop wants.
 * Read from the model's manifest (`models/<name>.json`), with per-family defaults for anything the
 * manifest leaves out, so a user's drop-in model needs only a short manifest.
 */
export type Task = 'face-detector' | 'face-landmarks' | 'emotion' | 'age-gender';

export interface ModelDescriptor {
  name: string;
  task: Task;
  /** Decoder family: blazeface | yunet | ultraface | facemesh | fer-emotion | faceres | faceapi-age-gender. */
  family: string;
  /** Absolute path of the .onnx file. */
  file: string;
  /** The manifest it was read from; absent for a bare `family:model.onnx` reference. */
  manifestFile?: string;
  input: TensorFormat & { name?: string; width: number; height: number };
  labels?: string[];
  /**
   * Attribute and landmark models: side of the square crop relative to the face's reference size
   * (the width of the landmark mesh, or the detector box scaled to match it).
   */
  crop: number;
}

type FamilyDefaults = Omit<ModelDescriptor, 'name' | 'file'>;

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
 * known name's name.onnx), a path to a manifest (.json) or a path to an .onnx file whose family is
 * given as `family:path.onnx` or guessed from the file name.
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
    desc = fromManifest(absolute(target), family);
  } else if (ext === '.onnx') {
    const file = absolute(target);
    desc = withDefaults(basename(file, '.onnx'), file, family ?? guessFamily(basename(file)), {});
  } else {
    const manifest = resolve(modelsDir, `${target}.json`);
    if (existsSync(manifest)) desc = fromManifest(manifest, family);
    else desc = withDefaults(target, resolve(modelsDir, `${target}.onnx`), family ?? NAME_FAMILY[target] ?? guessFamily(target), {});
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

/** Reads the fields the analyzer uses from a manifest; everything else in it is the runtime's business. */
function fromManifest(path: string, familyOverride?: string): ModelDescriptor {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new ResourceError(`model manifest ${path}: ${(err as Error).message}`, { cause: err });
  }
  const name = str(raw.name) ?? basename(path, '.json');
  const family = familyOverride ?? str(raw.decoder) ?? str(raw.family) ?? NAME_FAMILY[name] ?? guessFamily(name);
  const fileRef = str(raw.file) ?? str(raw.onnx) ?? str(raw.model) ?? `${name}.onnx`;
  const file = isAbsolute(fileRef) ? fileRef : resolve(dirname(path), fileRef);
  return { ...withDefaults(name, file, family, raw), manifestFile: path };
}

function withDefaults(name: string, file: string, family: string, raw: Record<string, unknown>): ModelDescriptor {
  const base = FAMILY_DEFAULTS[family];
  if (!base) throw new ResourceError(`model ${name}: unknown decoder family "${family}" (known: ${Object.keys(FAMILY_DEFAULTS).join(', ')})`);
  const input = (raw.input ?? {}) as Record<string, unknown>;
  const size = Array.isArray(input.size) ? (input.size as number[]) : undefined;
  const colour = str(input.colour) ?? str(input.color) ?? str(input.colorOrder) ?? str(input.colourOrder);
  const layout = str(input.layout);
  const labels = Array.isArray(raw.labels) ? (raw.labels as string[]) : base.labels;
  return {
    name,
    task: (str(raw.task) as Task) ?? base.task,
    family,
    file,
    crop: typeof raw.crop === 'number' ? raw.crop : base.crop,
    labels,
    input: {
      name: str(input.name),
      width: num(input.width) ?? size?.[0] ?? base.input.width,
      height: num(input.height) ?? size?.[1] ?? base.input.height,
      layout: layout === 'nchw' || layout === 'NCHW' ? 'nchw' : layout === 'nhwc' || layout === 'NHWC' ? 'nhwc' : base.input.layout,
      colour: colour === 'rgb' || colour === 'RGB' ? 'rgb' : colour === 'bgr' || colour === 'BGR' ? 'bgr' : colour === 'gray' || colour === 'grayscale' ? 'gray' : base.input.colour,
      mean: Array.isArray(input.mean) ? (input.mean as number[]) : base.input.mean,
      std: Array.isArray(input.std) ? (input.std as number[]) : base.input.std,
    },
  };
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
