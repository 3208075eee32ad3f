import { round1 } from '../core/numbers.ts';

/**
 * Rolling numbers for the `inference` health probe: per-model latency percentiles over the last
 * frames and the processing rate. Fixed-size rings, so a long-running daemon holds constant memory.
 */
export class Ring {
  private readonly values: Float64Array;
  private next = 0;
  private filled = 0;

  constructor(size = 256) {
    this.values = new Float64Array(size);
  }

  push(v: number): void {
    this.values[this.next] = v;
    this.next = (this.next + 1) % this.values.length;
    if (this.filled < this.values.length) this.filled++;
  }

  get size(): number {
    return this.filled;
  }

  /** Nearest-rank percentile (0..100) of the values held. */
  percentile(p: number): number {
    if (this.filled === 0) return 0;
    const sorted = Array.from(this.values.subarray(0, this.filled)).sort((a, b) => a - b);
    const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
    return sorted[rank];
  }

  /** Values pushed in chronological order (oldest first). */
  ordered(): number[] {
    if (this.filled < this.values.length) return Array.from(this.values.subarray(0, this.filled));
    return [...this.values.subarray(this.next), ...this.values.subarray(0, this.next)];
  }
}

export class InferenceStats {
  processed = 0;
  errors = 0;
  faces = 0;
  private readonly perModel = new Map<string, Ring>();
  private readonly doneAt = new Ring(64);

  record(timingsMs: Record<string, number>, faces: number, nowMs: number): void {
    this.processed++;
    this.faces += faces;
    this.doneAt.push(nowMs);
    for (const [model, ms] of Object.entries(timingsMs)) {
      let ring = this.perModel.get(model);
      if (!ring) this.perModel.set(model, (ring = new Ring()));
      ring.push(ms);
    }
  }

  /** Frames per second over the recent window (up to 64 frames, at most 10 s back). */
  fps(nowMs: number): number {
    const times = this.doneAt.ordered().filter((t) => nowMs - t <= 10_000);
    if (times.length < 2) return 0;
    const span = (times[times.length - 1] - times[0]) / 1000;
    return span > 0 ? Math.round(((times.length - 1) / span) * 10) / 10 : 0;
  }

  latency(): Record<string, { p50: number; p95: number }> {
    const out: Record<string, { p50: number; p95: number }> = {};
    for (const [model, ring] of this.perModel) {
      out[model] = { p50: round1(ring.percentile(50)), p95: round1(ring.percentile(95)) };
    }
    return out;
  }
}
