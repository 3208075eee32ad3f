/** Every topic Glance uses, under `<prefix>/<device_id>/`, built in one place so docs and code agree. */
export interface Topics {
  base: string;
  /** Retained `online`/`offline` state; also the Last Will. */
  status: string;
  visit: string;
  /** Per-minute aggregates; the latest is retained. */
  stats: string;
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
    health: `${base}/health`,
    live: `${base}/live`,
    contentSet: `${base}/content/set`,
    command: `${base}/command`,
    commandResult: `${base}/command/result`,
  };
}
