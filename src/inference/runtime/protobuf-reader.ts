/**
 * A minimal protocol-buffers reader, the mirror of ProtoWriter. The runtime uses it to tell a
 * truncated or corrupt .onnx file apart from a provider failure before handing it to onnxruntime
 * (whose parse errors do not say what is wrong), and the tests use it to read back what the
 * converter wrote.
 */
export interface ProtoField {
  field: number;
  wireType: 0 | 1 | 2 | 5;
  /** Varint value (wire type 0) as a bigint. */
  int?: bigint;
  /** Bytes of a length-delimited field (wire type 2), or the 4/8 raw bytes of a fixed field. */
  bytes?: Uint8Array;
  /** Byte offset of the field's tag inside the buffer. */
  offset: number;
}

export class ProtoError extends Error {
  override name = 'ProtoError';
}

/** Reads every top-level field of a message; throws ProtoError at the first malformed byte. */
export function readFields(buf: Uint8Array): ProtoField[] {
  const out: ProtoField[] = [];
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (pos >= buf.length) throw new ProtoError(`varint runs past the end at byte ${pos}`);
      const b = buf[pos++];
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
    throw new ProtoError(`varint longer than 10 bytes at byte ${pos}`);
  };
  while (pos < buf.length) {
    const offset = pos;
    const key = varint();
    const field = Number(key >> 3n);
    const wireType = Number(key & 7n);
    if (field === 0) throw new ProtoError(`field number 0 at byte ${offset}`);
    switch (wireType) {
      case 0:
        out.push({ field, wireType, int: varint(), offset });
        break;
      case 1:
      case 5: {
        const n = wireType === 1 ? 8 : 4;
        if (pos + n > buf.length) throw new ProtoError(`field ${field} (fixed${n * 8}) at byte ${offset} runs past the end`);
        out.push({ field, wireType, bytes: buf.subarray(pos, pos + n), offset });
        pos += n;
        break;
      }
      case 2: {
        const len = varint();
        if (len > BigInt(buf.length - pos)) {
          throw new ProtoError(`field ${field} at byte ${offset} declares ${len} bytes but only ${buf.length - pos} remain (truncated)`);
        }
        out.push({ field, wireType, bytes: buf.subarray(pos, pos + Number(len)), offset });
        pos += Number(len);
        break;
      }
      default:
        throw new ProtoError(`unsupported wire type ${wireType} for field ${field} at byte ${offset}`);
    }
  }
  return out;
}

/** Decodes a packed repeated varint field. */
export function readPackedInts(bytes: Uint8Array): bigint[] {
  const out: bigint[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = bytes[pos++];
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) break;
      shift += 7n;
    }
    out.push(BigInt.asIntN(64, result));
  }
  return out;
}

export function readString(bytes: Uint8Array | undefined): string {
  return bytes ? new TextDecoder().decode(bytes) : '';
}
