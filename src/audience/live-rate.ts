/**
 * Decides which frame batches produce a `live` event (at most maxHz, by frame time) and measures the
 * analysed frame rate between two of them. Pure: the stage feeds it frame timestamps.
 */
export class LiveRate {
  private lastEmitMs: number | undefined;
  private framesSince = 0;

  constructor(private readonly maxHz: number) {}

  /** Counts a frame at monoMs; returns the fps to publish when a live event is due, else undefined. */
  frame(monoMs: number): number | undefined {
    this.framesSince++;
    if (this.maxHz <= 0) return undefined;
    if (this.lastEmitMs === undefined) {
      this.lastEmitMs = monoMs;
      this.framesSince = 0;
      return 0;
    }
    const elapsed = monoMs - this.lastEmitMs;
    if (elapsed < 1000 / this.maxHz) return undefined;
    const fps = Math.round((this.framesSince / elapsed) * 10_000) / 10;
    this.lastEmitMs = monoMs;
    this.framesSince = 0;
    return fps;
  }
}
