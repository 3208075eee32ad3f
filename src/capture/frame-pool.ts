/**
 * Frame buffers of one size. A buffer goes back to the pool only when the stage knows nobody else
 * can see it: a frame overwritten unread in the mailbox (dropped) was never handed to a consumer.
 * Frames a consumer took are left to the garbage collector, because the consumer may still hold
 * them. So a slow consumer, the case where most frames are dropped, allocates almost nothing.
 */
export class FramePool {
  private readonly spare: Uint8Array[] = [];
  allocated = 0;

  constructor(
    readonly frameBytes: number,
    private readonly maxSpare = 4,
  ) {}

  acquire(): Uint8Array {
    const buffer = this.spare.pop();
    if (buffer) return buffer;
    this.allocated++;
    // Not zero-filled (every byte is written before a frame is handed out) and outside Node's
    // shared 8 KiB slab, so each frame is its own allocation, freed on its own.
    return Buffer.allocUnsafeSlow(this.frameBytes);
  }

  release(buffer: Uint8Array): void {
    if (buffer.byteLength === this.frameBytes && this.spare.length < this.maxSpare) this.spare.push(buffer);
  }
}
