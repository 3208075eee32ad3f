/**
 * The store's minute label to the start of that minute in ms, or NaN. The label is documented as
 * ISO-8601 UTC with minute precision; seconds, a fraction, or a missing `Z` are tolerated (a missing
 * zone is read as UTC, never as local time).
 */
export function minuteStartMs(minute: string): number {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(:\d{2}(\.\d+)?)?(Z|\+00:?00)?$/.exec(minute);
  if (!m) return NaN;
  const ms = Date.parse(`${m[1]}:00Z`);
  return Number.isFinite(ms) ? ms : NaN;
}
