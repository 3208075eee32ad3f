import type { Box } from '../core/types.ts';

/**
 * privacy.ignoreRegions: polygons in frame pixels (a till, a staff door, a mirror) where faces are
 * dropped before any attribute model sees them. A face is inside when its box centre is inside any
 * polygon (even-odd rule), so a face half across the border counts where most of it is.
 */
export type Polygon = ReadonlyArray<readonly [number, number]>;

export function createRegionFilter(polygons: readonly Polygon[]): (box: Box) => boolean {
  const polys = polygons.filter((p) => p.length >= 3).map((p) => p.map(([x, y]) => [x, y] as const));
  if (polys.length === 0) return () => false;
  return (box: Box) => {
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    for (const poly of polys) if (pointInPolygon(cx, cy, poly)) return true;
    return false;
  };
}

export function pointInPolygon(x: number, y: number, poly: Polygon): boolean {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i];
    const [xj, yj] = poly[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}
