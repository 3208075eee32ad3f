import type { FramePool } from './frame-pool.ts';

/**
 * Cuts ffmpeg's raw rgb24 byte stream into whole frames without copying: the socket reads straight
 * into the unfilled rest of the current frame buffer (target()), then reports how many bytes landed
 * (commit()). A full buffer becomes a frame; the next read goes into a fresh one from the pool.
 */
export class FrameCutter {
  private current: Uint8Array | undefined;
  private filled = 0;

  constructor(
    private readonly pool: FramePool,
    /** May return a promise: the next frame is not read until it settles (backpressure). */
    private readonly onFrame: (data: Uint8Array) => void | Promise<void>,
  ) {}

  /** Where the next bytes go: the rest of the frame being filled (never a frame already handed out). */
  target(): Uint8Array {
    this.current ??= this.pool.acquire();
    return this.current.subarray(this.filled);
  }

  /** n bytes were written into the last target(). */
  commit(n: number): void | Promise<void> {
    this.filled += n;
    if (this.filled < this.pool.frameBytes) return;
    const frame = this.current!;
    this.current = undefined;
    this.filled = 0;
    return this.onFrame(frame);
  }

  /** Bytes of an incomplete frame (a source that ended mid-frame). */
  get pending(): number {
    return this.filled;
  }

  /** Discards a partial frame, returning its buffer to the pool. */
  reset(): void {
    if (this.current) this.pool.release(this.current);
    this.current = undefined;
    this.filled = 0;
  }
}
