import type { FramePool } from './frame-pool.ts';

/**
 * Cuts a raw rgb24 byte stream (ffmpeg's stdout) into whole frames. Each byte is copied exactly
 * once, from the pipe chunk into a pooled frame buffer; nothing is concatenated or grown.
 */
export class FrameCutter {
  private current: Uint8Array | undefined;
  private filled = 0;

  constructor(
    private readonly pool: FramePool,
    private readonly onFrame: (data: Uint8Array) => void,
  ) {}

  push(chunk: Uint8Array): void {
    const size = this.pool.frameBytes;
    let offset = 0;
    while (offset < chunk.byteLength) {
      this.current ??= this.pool.acquire();
      const n = Math.min(size - this.filled, chunk.byteLength - offset);
      this.current.set(chunk.subarray(offset, offset + n), this.filled);
      this.filled += n;
      offset += n;
      if (this.filled === size) {
        const frame = this.current;
        this.current = undefined;
        this.filled = 0;
        this.onFrame(frame);
      }
    }
  }

  /** Bytes of an incomplete frame (a source that ended mid-frame); the partial frame is discarded. */
  get pending(): number {
    return this.filled;
  }

  reset(): void {
    if (this.current) this.pool.release(this.current);
    this.current = undefined;
    this.filled = 0;
  }
}
