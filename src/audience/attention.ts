import type { Face } from '../core/types.ts';

export interface PoseLimits {
  maxYawDeg: number;
  maxPitchDeg: number;
}

/**
 * A face is turned toward the screen when |yaw| ≤ maxYaw and |pitch| ≤ maxPitch (degrees; the camera
 * sits at the screen). Without a pose there is no evidence of attention, so the answer is no.
 */
export function facingCamera(pose: Face['pose'], limits: PoseLimits): boolean {
  if (!pose || !Number.isFinite(pose.yaw) || !Number.isFinite(pose.pitch)) return false;
  return Math.abs(pose.yaw) <= limits.maxYawDeg && Math.abs(pose.pitch) <= limits.maxPitchDeg;
}

/**
 * Whether this frame's attributes (age, gender, emotion) may be used for the visitor: the face must
 * be large enough (shorter side ≥ minFaceSize px) and frontal within the attribute limits; small or
 * profile faces give the models too little to go on.
 */
export function usableForAttributes(face: Face, limits: PoseLimits & { minFaceSize: number }): boolean {
  return Math.min(face.box.width, face.box.height) >= limits.minFaceSize && facingCamera(face.pose, limits);
}
