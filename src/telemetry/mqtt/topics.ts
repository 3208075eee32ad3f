/** Every topic Glance uses, under `<prefix>/<device_id>/`, built in one place so docs and code agree. */
export interface Topics {
  base: string;
  /** Retained `online`/`offline` state; also the Last Will. */
  status: string;
  visit: string;
  /** Per-minute totals; the latest is retained. */
  stats: string;
  /** Per closed breakdown period (privacy.breakdownPeriod), k-anonymised; the latest is retained. */
  breakdown: string;
  /** Retained, every healthIntervalS. */
  health: string;
  live: string;
  /** Input: the content id now playing (proof of play). */
  contentSet: string;
  /** Input: a small set of validated commands. */
  command: string;
  commandResult: string;
}

export function topicsFor(prefix: string, deviceId: string): Topics {
  const base = `${prefix.replace(/\/+$/, '')}/${deviceId}`;
  return {
    base,
    status: `${base}/status`,
    visit: `${base}/visit`,
    stats: `${base}/stats`,
    breakdown: `${base}/breakdown`,
    health: `${base}/health`,
    live: `${base}/live`,
    contentSet: `${base}/content/set`,
    command: `${base}/command`,
    commandResult: `${base}/command/result`,
  };
}
