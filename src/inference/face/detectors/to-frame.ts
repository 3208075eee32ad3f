import { toFrameX, toFrameY, type Letterbox } from '../../image/letterbox.ts';
import type { Candidates } from '../../image/nms.ts';
import type { Detection } from './types.ts';

/** The candidates NMS kept, mapped from the detector's input pixels back to frame pixels. */
export function keptToFrame(lb: Letterbox, c: Candidates, kept: readonly number[]): Detection[] {
  const per = c.pointsPer;
  return kept.map((k) => {
    const points: Array<[number, number]> = [];
    for (let j = 0; j < per; j++) {
      const p = (k * per + j) * 2;
      points.push([toFrameX(lb, c.points[p]), toFrameY(lb, c.points[p + 1])]);
    }
    return {
      x1: toFrameX(lb, c.boxes[k * 4]),
      y1: toFrameY(lb, c.boxes[k * 4 + 1]),
      x2: toFrameX(lb, c.boxes[k * 4 + 2]),
      y2: toFrameY(lb, c.boxes[k * 4 + 3]),
      score: c.scores[k],
      points,
    };
  });
}
