import { BatchBuffer, eyeAngle, type FaceFrame } from '../image/align.ts';
import type { ModelDescriptor } from '../runtime/descriptor.ts';
import { inputNameOf, type ModelRunner, type TensorData } from '../runtime/model-runner.ts';
import { applyAffine, type Affine, type RgbImage } from '../image/warp.ts';

/**
 * MediaPipe face mesh (468 points, as shipped in @vladmandic/human): one batched run over all faces
 * of a frame. Each face is cropped square around its detector box, rotated level on the detector's
 * eye points when it has them (MediaPipe's own pipeline does the same; human skips the rotation),
 * and the points are mapped back to frame pixels. The model's face flag (a sigmoid: is this a face?)
 * is kept so the analyzer can drop detector false positives.
 */
export const MESH_POINTS = 468;

/** Indices into the 468-point mesh (subject's right = image left for a frontal face). */
export const MESH = {
  rightEyeOuter: 33,
  rightEyeInner: 133,
  leftEyeInner: 362,
  leftEyeOuter: 263,
  noseTip: 1,
  mouthRight: 61,
  mouthLeft: 291,
  forehead: 10,
  chin: 152,
  rightCheek: 234,
  leftCheek: 454,
} as const;

export interface MeshResult {
  /** 468 × (x, y, z) in frame pixels; z is depth at the same scale, smaller = nearer the camera. */
  points: Float32Array;
  /** Face-flag probability 0..1. */
  faceScore: number;
}

export class FaceMesh {
  readonly name: string;
  private readonly batch: BatchBuffer;
  private readonly inputName: string;
  private readonly size: number;

  constructor(
    private readonly runner: ModelRunner,
    private readonly desc: ModelDescriptor,
  ) {
    this.name = desc.name;
    this.size = desc.input.width;
    this.batch = new BatchBuffer(desc.input.width, desc.input.height, desc.input);
    this.inputName = inputNameOf(desc, runner);
  }

  /** Runs the mesh on every face frame at once; frames come from the detector (see detectorFrame). */
  async run(image: RgbImage, frames: readonly FaceFrame[]): Promise<MeshResult[]> {
    const n = frames.length;
    if (n === 0) return [];
    this.batch.ensure(n);
    const affines: Affine[] = [];
    for (let i = 0; i < n; i++) affines.push(this.batch.fill(i, image, frames[i], this.desc.crop));
    const out = await this.runner.run({ [this.inputName]: { data: this.batch.view(n), dims: this.batch.dims(n) } });
    const { mesh, flag } = pickOutputs(out, n);
    const results: MeshResult[] = [];
    for (let i = 0; i < n; i++) {
      const m = affines[i];
      // Crop pixels → frame pixels; z scales like x (the crop is square).
      const zScale = Math.hypot(m.a, m.d);
      const points = new Float32Array(MESH_POINTS * 3);
      const base = i * MESH_POINTS * 3;
      for (let p = 0; p < MESH_POINTS; p++) {
        const [x, y] = applyAffine(m, mesh[base + p * 3], mesh[base + p * 3 + 1]);
        points[p * 3] = x;
        points[p * 3 + 1] = y;
        points[p * 3 + 2] = mesh[base + p * 3 + 2] * zScale;
      }
      results.push({ points, faceScore: flag ? flag[i] : 1 });
    }
    return results;
  }

  get inputSize(): number {
    return this.size;
  }
}

function pickOutputs(out: Record<string, TensorData>, n: number): { mesh: Float32Array; flag?: Float32Array } {
  let mesh: Float32Array | undefined;
  let flag: Float32Array | undefined;
  for (const t of Object.values(out)) {
    const last = t.dims[t.dims.length - 1];
    if (last === MESH_POINTS * 3 || t.data.length === n * MESH_POINTS * 3) mesh = t.data;
    else if (last === 1 || t.data.length === n) flag = t.data;
  }
  if (!mesh) throw new Error(`face mesh: no output with ${MESH_POINTS * 3} values per face`);
  return { mesh, flag };
}

export function meshPoint(points: Float32Array, i: number): [number, number] {
  return [points[i * 3], points[i * 3 + 1]];
}

/** The 5 standard landmarks from the mesh: right eye, left eye, nose tip, right and left mouth corners. */
export function meshLandmarks(points: Float32Array): Array<[number, number]> {
  const mid = (a: number, b: number): [number, number] => [(points[a * 3] + points[b * 3]) / 2, (points[a * 3 + 1] + points[b * 3 + 1]) / 2];
  return [mid(MESH.rightEyeOuter, MESH.rightEyeInner), mid(MESH.leftEyeOuter, MESH.leftEyeInner), meshPoint(points, MESH.noseTip), meshPoint(points, MESH.mouthRight), meshPoint(points, MESH.mouthLeft)];
}

/**
 * The face frame the attribute crops use, from the mesh: centred on the mesh's extent, sized by the
 * brow-to-chin distance measured along the face (so it does not shrink when the head turns) and
 * rotated by the eye line.
 */
export function meshFrame(points: Float32Array): FaceFrame {
  let minX = Infinity,
    minY = Infinity,
    maxX = -Infinity,
    maxY = -Infinity;
  for (let p = 0; p < MESH_POINTS; p++) {
    const x = points[p * 3];
    const y = points[p * 3 + 1];
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  const lm = meshLandmarks(points);
  const top = meshPoint(points, MESH.forehead);
  const chin = meshPoint(points, MESH.chin);
  const height = Math.hypot(chin[0] - top[0], chin[1] - top[1]);
  return { cx: (minX + maxX) / 2, cy: (minY + maxY) / 2, size: Math.max(height, 1), angle: eyeAngle(lm[0], lm[1]) };
}
