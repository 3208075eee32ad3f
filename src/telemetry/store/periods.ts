/**
 * The fixed partition breakdowns are released over (privacy.breakdownPeriod). Releasing each
 * breakdown per period, k-anonymised within it, and answering any range with whole periods only,
 * makes every answer a sum of the same per-period releases: two answers can then differ only by
 * whole periods' cells (each ≥ k or absent), never by one person (docs/metrics.md, "Differencing").
 * Times are Unix seconds; periods divide a day, so they are aligned to UTC midnight.
 */

/** Which periods may be released right now. */
export interface ReleaseWindow {
  periodS: number;
  /** Periods ending at or before this instant are closed (see closedBefore). */
  closedBeforeS: number;
  /** Periods starting before this are (partly) past retention and no longer released. */
  notBeforeS: number;
}

export const floorTo = (s: number, step: number) => Math.floor(s / step) * step;
export const ceilTo = (s: number, step: number) => Math.ceil(s / step) * step;

/**
 * End of the newest closed period: a period is closed once it has ended (by the store's clock) and
 * no minute of it is still held in memory; from then on nothing is added to it, so its release is
 * final. The stop of a daemon writes its open minute early, but the clock keeps that period open
 * until its end, and after a restart the minute being completed is in memory again.
 */
export function closedBefore(nowS: number, oldestOpenMinuteS: number | undefined, periodS: number): number {
  return floorTo(Math.min(nowS, oldestOpenMinuteS ?? Infinity), periodS);
}

/**
 * The whole released periods inside [fromS, toS): the range is narrowed, never widened, so a
 * breakdown never counts anyone outside the range asked for. null when no whole closed period fits.
 */
export function releasedSpan(fromS: number, toS: number, w: ReleaseWindow): { fromS: number; toS: number } | null {
  const from = Math.max(ceilTo(fromS, w.periodS), ceilTo(w.notBeforeS, w.periodS));
  const to = Math.min(floorTo(toS, w.periodS), w.closedBeforeS);
  return from < to ? { fromS: from, toS: to } : null;
}
