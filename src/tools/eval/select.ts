import type { Face } from '../../core/types.ts';

/** The face a single-subject dataset image is about: the largest one. */
export function largestFace(faces: readonly Face[]): Face | undefined {
  let best: Face | undefined;
  for (const f of faces) if (!best || f.box.width * f.box.height > best.box.width * best.box.height) best = f;
  return best;
}

/** Every k-th item so that about `limit` remain, spread over all classes (for quick runs); all when no limit. */
export function subsample<T>(items: readonly T[], limit?: number): T[] {
  if (!limit || limit >= items.length) return [...items];
  const step = items.length / limit;
  const out: T[] = [];
  for (let i = 0; i < limit; i++) out.push(items[Math.floor(i * step)]);
  return out;
}
