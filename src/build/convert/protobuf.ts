/**
 * A minimal protocol-buffers writer: just the wire types ONNX needs (varint, 32-bit float,
 * length-delimited). Messages are built bottom-up: encode a child into bytes, then embed those
 * bytes in the parent as a length-delimited field. That costs one copy per nesting level, which
 * is nothing next to the weights, and keeps the writer a dozen lines per wire type.
 */
export class ProtoWriter {
  private chunks: Uint8Array[] = [];
  private scratch = new Uint8Array(64);
  private used = 0;
  private total = 0;

  /** Field tag = (field number << 3) | wire type. */
  private tag(field: number, wireType: 0 | 1 | 2 | 5): void {
    this.varint(field * 8 + wireType);
  }

  /** Unsigned varint for values up to 2^53; negative int64 values take the 10-byte two's complement form. */
  private varint(value: number | bigint): void {
    if (typeof value === 'number' && value >= 0 && value < 2 ** 31) {
      // Fast path for the common small, non-negative numbers.
      let n = value;
      while (n >= 0x80) {
        this.byte((n & 0x7f) | 0x80);
        n >>>= 7;
      }
      this.byte(n);
      return;
    }
    let v = BigInt.asUintN(64, BigInt(value));
    while (v >= 0x80n) {
      this.byte(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.byte(Number(v));
  }

  private byte(b: number): void {
    if (this.used === this.scratch.length) this.flushScratch();
    this.scratch[this.used++] = b;
    this.total++;
  }

  private flushScratch(): void {
    if (this.used === 0) return;
    this.chunks.push(this.scratch.slice(0, this.used));
    this.used = 0;
  }

  private raw(bytes: Uint8Array): void {
    this.flushScratch();
    this.chunks.push(bytes);
    this.total += bytes.length;
  }

  /** int32/int64/enum/bool field (wire type 0). */
  int(field: number, value: number | bigint): this {
    this.tag(field, 0);
    this.varint(value);
    return this;
  }

  /** float field (wire type 5, little-endian IEEE 754 single). */
  float(field: number, value: number): this {
    this.tag(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    for (const x of b) this.byte(x);
    return this;
  }

  /** bytes / embedded message field (wire type 2). */
  bytes(field: number, value: Uint8Array): this {
    this.tag(field, 2);
    this.varint(value.length);
    this.raw(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, child: ProtoWriter): this {
    return this.bytes(field, child.finish());
  }

  /** A packed repeated varint field (proto3 default for repeated scalars). */
  packedInts(field: number, values: ReadonlyArray<number | bigint>): this {
    const inner = new ProtoWriter();
    for (const v of values) inner.varint(v);
    return this.bytes(field, inner.finish());
  }

  /** A packed repeated float field. */
  packedFloats(field: number, values: ArrayLike<number>): this {
    const f32 = Float32Array.from(values);
    return this.bytes(field, new Uint8Array(f32.buffer, f32.byteOffset, f32.byteLength));
  }

  get length(): number {
    return this.total;
  }

  finish(): Uint8Array {
    this.flushScratch();
    if (this.chunks.length === 1) return this.chunks[0];
    const out = new Uint8Array(this.total);
    let off = 0;
    for (const c of this.chunks) {
      out.set(c, off);
      off += c.length;
    }
    return out;
  }
}
