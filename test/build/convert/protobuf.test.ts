import test from 'ava';
import * as ort from 'onnxruntime-node';
import { ProtoWriter } from '../../../src/build/convert/protobuf.ts';
import { readFields, readPackedInts, readString, ProtoError } from '../../../src/inference/runtime/protobuf-reader.ts';
import { DataType, encodeModel, floatTensor, int64Tensor, type OnnxModel } from '../../../src/build/convert/onnx-proto.ts';

/** The hand-written protobuf writer: wire format by example, then onnxruntime as the real reader. */

test('varints match the protobuf spec examples', (t) => {
  // From the protobuf encoding guide: 150 → 96 01; field 1 varint 150 → 08 96 01.
  t.deepEqual([...new ProtoWriter().int(1, 150).finish()], [0x08, 0x96, 0x01]);
  t.deepEqual([...new ProtoWriter().int(1, 1).finish()], [0x08, 0x01]);
  t.deepEqual([...new ProtoWriter().int(2, 300).finish()], [0x10, 0xac, 0x02]);
  // Negative int64 is the 10-byte two's complement form.
  const neg = new ProtoWriter().int(1, -1).finish();
  t.is(neg.length, 11);
  t.deepEqual([...neg.subarray(1)], [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
  // Large values beyond 2^31 take the bigint path.
  const big = readFields(new ProtoWriter().int(3, 2 ** 40 + 5).finish());
  t.is(big[0].int, 2n ** 40n + 5n);
});

test('strings, floats, nested messages and packed ints read back', (t) => {
  const inner = new ProtoWriter().string(1, 'héllo').packedInts(2, [1, -1, 300, 2 ** 33]);
  const bytes = new ProtoWriter().float(5, 1.5).message(7, inner).string(9, '').finish();
  const fields = readFields(bytes);
  t.deepEqual(
    fields.map((f) => [f.field, f.wireType]),
    [
      [5, 5],
      [7, 2],
      [9, 2],
    ],
  );
  t.is(new DataView(fields[0].bytes!.buffer, fields[0].bytes!.byteOffset, 4).getFloat32(0, true), 1.5);
  const nested = readFields(fields[1].bytes!);
  t.is(readString(nested[0].bytes), 'héllo');
  t.deepEqual(readPackedInts(nested[1].bytes!), [1n, -1n, 300n, 2n ** 33n]);
  t.is(fields[2].bytes!.length, 0);
});

test('the reader rejects truncated and malformed buffers with the reason', (t) => {
  const bytes = new ProtoWriter().string(7, 'x'.repeat(100)).finish();
  t.throws(() => readFields(bytes.subarray(0, 50)), { instanceOf: ProtoError, message: /declares 100 bytes but only 48 remain \(truncated\)/ });
  t.throws(() => readFields(Uint8Array.of(0x0b)), { instanceOf: ProtoError, message: /wire type 3/ });
  t.throws(() => readFields(Uint8Array.of(0x08, 0x80)), { instanceOf: ProtoError, message: /varint runs past the end/ });
});

/** y = MatMul(x, W) + b, then Relu: a handmade model exercising tensors, attributes-free nodes and shapes. */
function tinyModel(): OnnxModel {
  return {
    irVersion: 8,
    opsetVersion: 17,
    producerName: 'glance-test',
    producerVersion: '0',
    graph: {
      name: 'tiny',
      nodes: [
        { opType: 'MatMul', name: 'mm', inputs: ['x', 'W'], outputs: ['xw'] },
        { opType: 'Add', name: 'add', inputs: ['xw', 'b'], outputs: ['pre'] },
        { opType: 'Relu', name: 'relu', inputs: ['pre'], outputs: ['relu'] },
        { opType: 'Reshape', name: 'reshape', inputs: ['relu', 'shape'], outputs: ['y'] },
        { opType: 'Transpose', name: 't', inputs: ['relu'], outputs: ['yt'], attributes: { perm: { kind: 'ints', value: [1, 0] } } },
        { opType: 'LeakyRelu', name: 'lr', inputs: ['pre'], outputs: ['leaky'], attributes: { alpha: { kind: 'float', value: 0.25 } } },
      ],
      initializers: [floatTensor('W', [2, 3], Float32Array.of(1, 2, 3, 4, 5, 6)), floatTensor('b', [3], Float32Array.of(-10, 0, 1)), int64Tensor('shape', [1], [-1])],
      inputs: [{ name: 'x', elemType: DataType.FLOAT, shape: ['batch', 2] }],
      outputs: [
        { name: 'y', elemType: DataType.FLOAT, shape: ['n'] },
        { name: 'yt', elemType: DataType.FLOAT, shape: [3, 'batch'] },
        { name: 'leaky', elemType: DataType.FLOAT, shape: ['batch', 3] },
      ],
    },
    metadata: { note: 'round trip' },
  };
}

test('onnxruntime loads a handmade model and computes the right values', async (t) => {
  const bytes = encodeModel(tinyModel());
  const session = await ort.InferenceSession.create(bytes, { logSeverityLevel: 3 });
  t.deepEqual(session.inputNames, ['x']);
  t.deepEqual(session.outputNames, ['y', 'yt', 'leaky']);
  t.deepEqual(session.inputMetadata[0].isTensor && session.inputMetadata[0].shape, ['batch', 2]);
  const x = new ort.Tensor('float32', Float32Array.of(1, 1, 2, 0), [2, 2]);
  const out = await session.run({ x });
  // x·W = [[5, 7, 9], [2, 4, 6]]; + b = [[-5, 7, 10], [-8, 4, 7]]
  t.deepEqual([...(out.y.data as Float32Array)], [0, 7, 10, 0, 4, 7]);
  t.deepEqual(out.yt.dims, [3, 2]);
  t.deepEqual([...(out.yt.data as Float32Array)], [0, 0, 7, 4, 10, 7]);
  t.deepEqual([...(out.leaky.data as Float32Array)], [-1.25, 7, 10, -2, 4, 7]);
  await session.release();
});

test('the model bytes decode back to the fields that were written', (t) => {
  const bytes = encodeModel(tinyModel());
  const top = readFields(bytes);
  t.is(top.find((f) => f.field === 1)!.int, 8n); // ir_version
  t.is(readString(top.find((f) => f.field === 2)!.bytes), 'glance-test');
  const opset = readFields(top.find((f) => f.field === 8)!.bytes!);
  t.is(opset.find((f) => f.field === 2)!.int, 17n);
  const graph = readFields(top.find((f) => f.field === 7)!.bytes!);
  const nodes = graph.filter((f) => f.field === 1).map((f) => readFields(f.bytes!));
  t.deepEqual(
    nodes.map((n) => readString(n.find((f) => f.field === 4)!.bytes)),
    ['MatMul', 'Add', 'Relu', 'Reshape', 'Transpose', 'LeakyRelu'],
  );
  const w = readFields(graph.find((f) => f.field === 5)!.bytes!);
  t.deepEqual(readPackedInts(w.find((f) => f.field === 1)!.bytes!), [2n, 3n]);
  t.is(w.find((f) => f.field === 2)!.int, BigInt(DataType.FLOAT));
  const raw = w.find((f) => f.field === 9)!.bytes!;
  t.deepEqual([...new Float32Array(raw.slice().buffer)], [1, 2, 3, 4, 5, 6]);
});
