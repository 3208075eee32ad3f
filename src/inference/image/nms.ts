/**
 * Non-maximum suppression over candidate boxes in corner form [x1, y1, x2, y2] packed in a
 * Float32Array (4 per candidate). Greedy by score; a candidate overlapping a kept box by more than
 * `iou` is suppressed. Candidates are few (already thresholded), so O(n·k) is fine.
 */
export function iouCorners(b: ArrayLike<number>, i: number, j: number): number {
  const ix1 = Math.max(b[i * 4], b[j * 4]);
  const iy1 = Math.max(b[i * 4 + 1], b[j * 4 + 1]);
  const ix2 = Math.min(b[i * 4 + 2], b[j * 4 + 2]);
  const iy2 = Math.min(b[i * 4 + 3], b[j * 4 + 3]);
  const iw = ix2 - ix1;
  const ih = iy2 - iy1;
  if (iw <= 0 || ih <= 0) return 0;
  const inter = iw * ih;
  const a = (b[i * 4 + 2] - b[i * 4]) * (b[i * 4 + 3] - b[i * 4 + 1]);
  const c = (b[j * 4 + 2] - b[j * 4]) * (b[j * 4 + 3] - b[j * 4 + 1]);
  return inter / (a + c - inter);
}

/** Returns the indices of kept candidates, best first. */
export function nms(boxes: ArrayLike<number>, scores: ArrayLike<number>, count: number, iou: number, maxKeep = Infinity): number[] {
  const order = new Array<number>(count);
  for (let i = 0; i < count; i++) order[i] = i;
  order.sort((p, q) => scores[q] - scores[p] || p - q);
  const kept: number[] = [];
  for (const i of order) {
    if (kept.length >= maxKeep) break;
    let keep = true;
    for (const k of kept) {
      if (iouCorners(boxes, i, k) > iou) {
        keep = false;
        break;
      }
    }
    if (keep) kept.push(i);
  }
  return kept;
}

/** A growable set of candidates (box, score, keypoints) reused across frames. */
export class Candidates {
  boxes: Float32Array;
  scores: Float32Array;
  points: Float32Array;
  count = 0;

  constructor(
    readonly pointsPer: number,
    capacity = 256,
  ) {
    this.boxes = new Float32Array(capacity * 4);
    this.scores = new Float32Array(capacity);
    this.points = new Float32Array(capacity * pointsPer * 2);
  }

  reset(): void {
    this.count = 0;
  }

  /** Appends a candidate and returns its index; the caller writes its keypoints at points[index * pointsPer * 2]. */
  push(x1: number, y1: number, x2: number, y2: number, score: number): number {
    if (this.count === this.scores.length) this.grow();
    const i = this.count++;
    this.boxes[i * 4] = x1;
    this.boxes[i * 4 + 1] = y1;
    this.boxes[i * 4 + 2] = x2;
    this.boxes[i * 4 + 3] = y2;
    this.scores[i] = score;
    return i;
  }

  private grow(): void {
    const cap = this.scores.length * 2;
    const boxes = new Float32Array(cap * 4);
    boxes.set(this.boxes);
    const scores = new Float32Array(cap);
    scores.set(this.scores);
    const points = new Float32Array(cap * this.pointsPer * 2);
    points.set(this.points);
    this.boxes = boxes;
    this.scores = scores;
    this.points = points;
  }
}
