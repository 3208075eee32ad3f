import { MESH } from './landmarks.ts';
import { round1 } from '../../core/numbers.ts';

/**
 * Head pose in degrees, camera's point of view:
 *   yaw   > 0: the face turns towards the image's right;
 *   pitch > 0: the face tilts up;
 *   roll  > 0: the face tilts clockwise in the image.
 * The audience stage compares |yaw| and |pitch| with its attention limits, so what matters most is
 * that a face looking into the camera reads near zero.
 */
export interface Pose {
  yaw: number;
  pitch: number;
  roll: number;
}

const DEG = 180 / Math.PI;

/**
 * Pitch of the brow-to-chin axis when a face looks straight into the camera: the chin sits in front
 * of the forehead in the mesh's depth, so the raw axis reads tilted down by this much. Measured as the
 * median over 58 aligned frontal UTKFace crops (the mean was -10.54).
 */
const MESH_PITCH_OFFSET_DEG = -10.5;

/**
 * From the 3-D mesh: the face's axes are the cheek-to-cheek and brow-to-chin vectors (x, y, z all in
 * frame pixels); their cross product is the face normal.
 */
export function poseFromMesh(points: Float32Array): Pose {
  const v = (a: number, b: number): [number, number, number] => [points[b * 3] - points[a * 3], points[b * 3 + 1] - points[a * 3 + 1], points[b * 3 + 2] - points[a * 3 + 2]];
  const x = normalize(v(MESH.rightCheek, MESH.leftCheek));
  const y = normalize(v(MESH.forehead, MESH.chin));
  // z points away from the camera (mesh depth grows away from it); the normal towards the camera is -z.
  const z = normalize(cross(x, y));
  const nx = -z[0];
  const ny = -z[1];
  const nz = -z[2];
  const yaw = Math.atan2(nx, -nz) * DEG;
  const pitch = Math.asin(clamp(-ny, -1, 1)) * DEG - MESH_PITCH_OFFSET_DEG;
  const roll = Math.atan2(x[1], x[0]) * DEG;
  return { yaw: round1(yaw), pitch: round1(pitch), roll: round1(roll) };
}

/** Nose depth and drop below the eye line, as fractions of the distance between the eyes. */
const NOSE_DEPTH = 0.5;
const NOSE_DROP = 0.65;

/**
 * From 2-D keypoints only (right eye, left eye, nose tip), for detectors without a mesh: roll from
 * the eye line; yaw and pitch from where the nose tip sits relative to the eyes, with average face
 * proportions. Coarser than the mesh, but enough to tell a glance from a profile.
 */
export function poseFromKeypoints(rightEye: readonly [number, number], leftEye: readonly [number, number], nose: readonly [number, number]): Pose {
  const ex = leftEye[0] - rightEye[0];
  const ey = leftEye[1] - rightEye[1];
  const d = Math.hypot(ex, ey);
  if (d < 1e-6) return { yaw: 0, pitch: 0, roll: 0 };
  const ux = ex / d;
  const uy = ey / d;
  const mx = (rightEye[0] + leftEye[0]) / 2;
  const my = (rightEye[1] + leftEye[1]) / 2;
  const nx = nose[0] - mx;
  const ny = nose[1] - my;
  // Along the eye line and perpendicular to it (downwards in the face).
  const along = (nx * ux + ny * uy) / d;
  const down = (-nx * uy + ny * ux) / d;
  const yaw = Math.atan(along / NOSE_DEPTH) * DEG;
  const r = Math.hypot(NOSE_DROP, NOSE_DEPTH);
  const alpha = Math.atan2(NOSE_DEPTH, NOSE_DROP);
  const pitch = (Math.acos(clamp(down / r, -1, 1)) - alpha) * DEG;
  const roll = Math.atan2(ey, ex) * DEG;
  return { yaw: round1(yaw), pitch: round1(pitch), roll: round1(roll) };
}

function cross(a: number[], b: number[]): [number, number, number] {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

function normalize(v: [number, number, number]): [number, number, number] {
  const l = Math.hypot(v[0], v[1], v[2]) || 1;
  return [v[0] / l, v[1] / l, v[2] / l];
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : Math.min(v, hi);
}
