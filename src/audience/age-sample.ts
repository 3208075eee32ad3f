/** One frame's age estimate: years and the model's interval around it. */
export interface AgeEstimate {
  years: number;
  low: number;
  high: number;
}

/** Age estimates kept per visit: every one of a short visit's (≈ 51 s of frontal frames at 10 frames/s). */
export const AGE_SAMPLE_CAPACITY = 512;

/**
 * A bounded, evenly spaced sample of a visit's per-frame age estimates, from which the visit's medians
 * are taken. Up to `capacity` estimates every one is kept, so a short visit's median is exact. Once
 * full, every second kept estimate is dropped and from then on only every 2nd (later 4th, 8th, …)
 * estimate is taken: the sample stays spread evenly over the whole visit however long it lasts, memory
 * stays at most `capacity` estimates, and, unlike a random reservoir, the same frames always give the
 * same visit (the scripted tests rely on that).
 */
export class AgeSample {
  private kept: AgeEstimate[] = [];
  /** Estimates seen so far, kept or not. */
  private seen = 0;
  /** Keep estimate i when i % stride is 0. */
  private stride = 1;

  constructor(private readonly capacity = AGE_SAMPLE_CAPACITY) {
    if (!(capacity >= 2 && capacity % 2 === 0)) throw new RangeError(`age sample capacity must be even and ≥ 2, got ${capacity}`);
  }

  add(age: AgeEstimate): void {
    const index = this.seen++;
    if (index % this.stride !== 0) return;
    if (this.kept.length === this.capacity) {
      // Kept indices are the multiples of stride; keeping every other one leaves those of 2 × stride,
      // and index (capacity × stride) is one of them, so the new estimate still belongs.
      this.kept = this.kept.filter((_, i) => i % 2 === 0);
      this.stride *= 2;
    }
    this.kept.push({ years: age.years, low: age.low, high: age.high });
  }

  /** The estimates held (at most capacity), in frame order. */
  get values(): readonly AgeEstimate[] {
    return this.kept;
  }

  /** Estimates offered so far (kept or not). */
  get count(): number {
    return this.seen;
  }
}
