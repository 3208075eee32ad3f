import type { Socket } from 'node:net';

/**
 * Caps the size of every MQTT packet a client sends, by reading each fixed header's Remaining Length
 * as the bytes go by. aedes (mqtt-packet) buffers a whole packet before it parses it and accepts up
 * to 256 MB, so without a cap one client could make the daemon hold that much per connection.
 *
 * aedes pulls bytes with `socket.read()`; the guard wraps that method on this one socket, so it sees
 * each chunk before aedes does and, once a header announces too large a packet, hands aedes nothing
 * more (the connection is closing). Call it after aedes has attached to the socket.
 */
export function guardPacketSize(socket: Socket, maxBytes: number, onOversize: (bytes: number) => void): void {
  const scanner = new PacketScanner(maxBytes);
  const read = socket.read.bind(socket);
  let tripped = false;
  socket.read = (size?: number) => {
    if (tripped) return null;
    const chunk: unknown = read(size);
    if (!Buffer.isBuffer(chunk)) return chunk;
    const oversize = scanner.scan(chunk);
    if (oversize === undefined) return chunk;
    tripped = true;
    onOversize(oversize);
    return null;
  };
}

/** Follows packet boundaries through a byte stream: type byte, 1-4 length bytes, then the body. */
class PacketScanner {
  private state: 'type' | 'length' | 'body' = 'type';
  private length = 0;
  private multiplier = 1;
  private lengthBytes = 0;
  private bodyLeft = 0;

  constructor(private readonly maxBytes: number) {}

  /** The announced size of the first packet in `chunk` over the cap, or undefined when all fit. */
  scan(chunk: Buffer): number | undefined {
    let i = 0;
    while (i < chunk.length) {
      if (this.state === 'body') {
        const take = Math.min(this.bodyLeft, chunk.length - i);
        this.bodyLeft -= take;
        i += take;
        if (this.bodyLeft === 0) this.state = 'type';
      } else if (this.state === 'type') {
        i += 1;
        this.state = 'length';
        this.length = 0;
        this.multiplier = 1;
        this.lengthBytes = 0;
      } else {
        const byte = chunk[i++];
        this.lengthBytes += 1;
        this.length += (byte & 0x7f) * this.multiplier;
        this.multiplier *= 128;
        if (byte & 0x80) {
          // MQTT's length takes at most 4 bytes: a fifth is not MQTT at all.
          if (this.lengthBytes === 4) return Infinity;
          continue;
        }
        const size = 1 + this.lengthBytes + this.length;
        if (size > this.maxBytes) return size;
        this.bodyLeft = this.length;
        this.state = this.length === 0 ? 'type' : 'body';
      }
    }
    return undefined;
  }
}
