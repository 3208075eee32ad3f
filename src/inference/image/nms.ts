import { iouOfCorners } from '../../core/box.ts';

/**
 * Non-maximum suppression over candidate boxes in corner form [x1, y1, x2, y2] packed in a
 * Float32Array (4 per candidate). Greedy by score; a candidate overlapping a kept box by more than
 * `iou` is suppressed. Candidates are few (already thresholded), so O(n·k) is fine. Returns the
 * indices of kept candidates, best first.
 */
export function nms(boxes: ArrayLike<number>, scores: ArrayLike<number>, count: number, iou: number, maxKeep = Infinity): number[] {
  const order = new Array<number>(count);
  for (let i = 0; i < count; i++) order[i] = i;
  order.sort((p, q) => scores[q] - scores[p] || p - q);
  const kept: number[] = [];
  for (const i of order) {
    if (kept.length >= maxKeep) break;
    let keep = true;
    const a = i * 4;
    for (const k of kept) {
      const b = k * 4;
      if (iouOfCorners(boxes[a], boxes[a + 1], boxes[a + 2], boxes[a + 3], boxes[b], boxes[b + 1], boxes[b + 2], boxes[b + 3]) > iou) {
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
