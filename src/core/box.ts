import type { Box } from './types.ts';

/**
 * Intersection over union of two boxes in corner form (x1, y1, x2, y2); 0 when they do not
 * overlap or either is empty. Plain numbers, so detectors can call it on packed Float32Arrays
 * (see inference/image/nms.ts) without building a Box per candidate.
 */
export function iouOfCorners(ax1: number, ay1: number, ax2: number, ay2: number, bx1: number, by1: number, bx2: number, by2: number): number {
  const inter = Math.max(0, Math.min(ax2, bx2) - Math.max(ax1, bx1)) * Math.max(0, Math.min(ay2, by2) - Math.max(ay1, by1));
  if (inter <= 0) return 0;
  const union = (ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - inter;
  return union > 0 ? inter / union : 0;
}

/** Intersection over union of two boxes; 0 when they do not overlap or either is empty. */
export function iou(a: Box, b: Box): number {
  return iouOfCorners(a.x, a.y, a.x + a.width, a.y + a.height, b.x, b.y, b.x + b.width, b.y + b.height);
}

export function centre(b: Box): { x: number; y: number } {
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
}
