import type { Box } from './types.ts';

/** A polygon in frame pixels: [x, y] vertices in order (closed implicitly). */
export type Polygon = ReadonlyArray<readonly [number, number]>;

/**
 * Even-odd ray casting. A point exactly on an edge may fall either way; ignore regions are drawn
 * generously around a counter, so the boundary case does not matter in practice.
 */
export function pointInPolygon(x: number, y: number, polygon: Polygon): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i];
    const [xj, yj] = polygon[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/**
 * Returns `(box) => true` when the face box's centre lies inside any ignore region, i.e. when the
 * face must be dropped. The centre (not any overlap) decides, so a passer-by whose face merely
 * brushes the edge of a staff area is still counted. Used twice: by inference, before any attribute
 * model runs on the face, and by the audience stage as a second line of defence.
 */
export function createRegionFilter(polygons: readonly Polygon[]): (box: Box) => boolean {
  const usable = polygons.filter((p) => p.length >= 3);
  if (usable.length === 0) return () => false;
  // Bounding boxes first: most faces are nowhere near a region, so skip the edge loop for them.
  const bounds = usable.map((p) => {
    const xs = p.map((v) => v[0]);
    const ys = p.map((v) => v[1]);
    return { minX: Math.min(...xs), maxX: Math.max(...xs), minY: Math.min(...ys), maxY: Math.max(...ys) };
  });
  return (box: Box) => {
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    for (let i = 0; i < usable.length; i++) {
      const b = bounds[i];
      if (cx < b.minX || cx > b.maxX || cy < b.minY || cy > b.maxY) continue;
      if (pointInPolygon(cx, cy, usable[i])) return true;
    }
    return false;
  };
}
