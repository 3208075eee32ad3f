/**
 * Rounding for reported figures (face boxes, poses, ages, latencies, benchmark results): one
 * definition, so the daemon, its payloads and the tools all round a figure the same way.
 */

/** v rounded to `digits` decimal places. */
export function round(v: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

/** One decimal: pixels, degrees, years, milliseconds. */
export function round1(v: number): number {
  return round(v, 1);
}

/** Two decimals: ratios and scores. */
export function round2(v: number): number {
  return round(v, 2);
}

/** Three decimals: probabilities and seconds. */
export function round3(v: number): number {
  return round(v, 3);
}
