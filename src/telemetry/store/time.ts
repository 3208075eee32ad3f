/** Times as the store reads them: Unix seconds inside, ISO-8601 UTC (minute precision, no millis) out. */
export type Instant = Date | number;

export function toSeconds(t: Instant, name: string): number {
  const ms = t instanceof Date ? t.getTime() : t;
  if (typeof ms !== 'number' || !Number.isFinite(ms)) throw new RangeError(`${name}: not a valid time`);
  return ms / 1000;
}

/** A half-open range [from, to) in seconds; from must be before to. */
export function range(from: Instant, to: Instant): [number, number] {
  const f = toSeconds(from, 'from');
  const t = toSeconds(to, 'to');
  if (!(f < t)) throw new RangeError(`from (${iso(f)}) must be before to (${iso(t)})`);
  return [f, t];
}

export const iso = (seconds: number) => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
