/** Small statistics helpers shared by the benchmarks. */

/** Nearest-rank percentile of an unsorted sample (0 for an empty one). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((s, v) => s + v, 0) / values.length;
}

/**
 * Samples this process's resident set size on a timer, so the peak between samples of a
 * long run is seen (process.memoryUsage.rss() is only the current value).
 */
export class RssSampler {
  private peak = process.memoryUsage.rss();
  private timer: NodeJS.Timeout | undefined;
  /** Every sample since start(), for the growth figure (10 per second: 6,000 for a 10-minute run). */
  private readonly samples: number[] = [];

  start(everyMs = 100): void {
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
  }

  sample(): void {
    const rss = process.memoryUsage.rss();
    this.samples.push(rss);
    this.peak = Math.max(this.peak, rss);
  }

  /**
   * Growth over the run: the peak of each fifth of the samples (peaks, because RSS saw-tooths with
   * garbage collection), and the last fifth's minus the first's. A leak climbs fifth by fifth; caches
   * filling up climb early and then stay flat.
   */
  growth(): { fifths: number[]; growth: number } {
    const n = this.samples.length;
    if (n < 5) return { fifths: [this.peak], growth: 0 };
    const size = Math.floor(n / 5);
    const fifths: number[] = [];
    for (let i = 0; i < 5; i++) {
      let peak = 0;
      for (const v of this.samples.slice(i * size, i === 4 ? n : (i + 1) * size)) peak = Math.max(peak, v);
      fifths.push(peak);
    }
    return { fifths, growth: fifths[4] - fifths[0] };
  }

  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peak;
  }
}
