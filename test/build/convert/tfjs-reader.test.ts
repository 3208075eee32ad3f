import test from 'ava';
import { halfToFloat, float16ToFloat32 } from '../../../src/build/convert/float16.ts';
import { parseTfjsArtifacts, TfjsFormatError, type TfjsModelJson } from '../../../src/build/convert/tfjs-reader.ts';

/** Weight decoding: the three storage formats the four models and tfjs' quantiser produce. */

const json = (weights: TfjsModelJson['weightsManifest'][0]['weights']): TfjsModelJson => ({
  modelTopology: { node: [] },
  weightsManifest: [{ paths: ['a.bin'], weights }],
});

test('float16 decodes exactly, including subnormals and specials', (t) => {
  t.is(halfToFloat(0x3c00), 1);
  t.is(halfToFloat(0xc000), -2);
  t.is(halfToFloat(0x7bff), 65504);
  t.is(halfToFloat(0x0001), 2 ** -24);
  t.is(halfToFloat(0x3555), 0.333251953125);
  t.is(halfToFloat(0x7c00), Infinity);
  t.true(Number.isNaN(halfToFloat(0x7e00)));
  t.is(Object.is(halfToFloat(0x8000), -0), true);
  t.deepEqual([...float16ToFloat32(Uint16Array.of(0x3c00, 0x3800))], [1, 0.5]);
});

test('float32, float16 and uint8-quantised weights dequantise like tfjs', (t) => {
  const f32 = new Float32Array([1.5, -2]);
  const f16 = Uint16Array.of(0x3c00, 0xbc00, 0x4000);
  const u8 = Uint8Array.of(0, 10, 255);
  const i32 = Int32Array.of(7);
  const bytes = new Uint8Array(8 + 6 + 3 + 4);
  bytes.set(new Uint8Array(f32.buffer), 0);
  bytes.set(new Uint8Array(f16.buffer), 8);
  bytes.set(u8, 14);
  bytes.set(new Uint8Array(i32.buffer), 17);
  const m = parseTfjsArtifacts(
    json([
      { name: 'a', shape: [2], dtype: 'float32' },
      { name: 'b', shape: [3], dtype: 'float32', quantization: { dtype: 'float16', original_dtype: 'float32' } },
      { name: 'c', shape: [3], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.5, min: -1 } },
      { name: 'd', shape: [1], dtype: 'int32' },
    ]),
    bytes,
    'fixture',
  );
  t.deepEqual([...m.weights.get('a')!.data], [1.5, -2]);
  t.deepEqual([...m.weights.get('b')!.data], [1, -1, 2]);
  t.is(m.weights.get('b')!.storedAs, 'float16');
  t.deepEqual([...m.weights.get('c')!.data], [-1, 4, 126.5]);
  t.deepEqual([...m.weights.get('d')!.data], [7]);
});

test('shards shorter or longer than the manifest are an error naming the model', (t) => {
  const spec = json([{ name: 'a', shape: [4], dtype: 'float32' }]);
  t.throws(() => parseTfjsArtifacts(spec, new Uint8Array(8), 'short'), { instanceOf: TfjsFormatError, message: /model short: weight a needs bytes 0\.\.16 but the shards end at 8/ });
  t.throws(() => parseTfjsArtifacts(spec, new Uint8Array(20), 'long'), { instanceOf: TfjsFormatError, message: /model long: weights manifest describes 16 bytes but the shards hold 20/ });
});

test('a layers model (no graph topology) is refused with the reason', (t) => {
  t.throws(() => parseTfjsArtifacts({ modelTopology: { class_name: 'Sequential' } } as unknown as TfjsModelJson, new Uint8Array(0), 'layers'), {
    message: /model layers: model.json has no modelTopology.node list/,
  });
});
