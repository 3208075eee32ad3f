/** Frames per second over the recent past (the last 32 frames within windowMs), 0 when frames stop. */
export class FpsMeter {
  private readonly times = new Float64Array(32);
  private count = 0;
  private next = 0;

  constructor(private readonly windowMs = 3000) {}

  tick(monoMs: number): void {
    this.times[this.next] = monoMs;
    this.next = (this.next + 1) % this.times.length;
    if (this.count < this.times.length) this.count++;
  }

  fps(now = performance.now()): number {
    let first = Infinity;
    let last = -Infinity;
    let n = 0;
    for (let i = 0; i < this.count; i++) {
      const t = this.times[i];
      if (now - t > this.windowMs) continue;
      n++;
      if (t < first) first = t;
      if (t > last) last = t;
    }
    if (n < 2 || last <= first) return 0;
    return ((n - 1) * 1000) / (last - first);
  }
}
