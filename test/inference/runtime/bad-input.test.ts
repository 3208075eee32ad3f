import test from 'ava';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataType, encodeModel, int64Tensor } from '../../../src/build/convert/onnx-proto.ts';
import { resolveDescriptor } from '../../../src/inference/runtime/descriptor.ts';
import { openModel } from '../../../src/inference/runtime/open-model.ts';
import { scratchModelFor, writeManifest } from './support.ts';
import { ResourceError } from '../../../src/core/errors.ts';

/**
 * Bad models and manifests: each is a ResourceError (exit 3) whose message names the file and
 * says what is wrong. Every test breaks its own scratch copy of the built emotion model.
 */

/** Through the daemon's own path: the reference resolved in the models folder, then opened. */
const open = async (dir: string, ref = 'emotion') => openModel(resolveDescriptor(ref, dir), { providers: ['cpu'] });

test('a missing .onnx file', async (t) => {
  const s = await scratchModelFor(t);
  await writeManifest(s.manifest, { ...s.json, file: 'nowhere.onnx' });
  const err = await t.throwsAsync(open(s.dir), { instanceOf: ResourceError });
  t.is(err!.message, `model file ${join(s.dir, 'nowhere.onnx')} is missing (built-in models are made by \`glance models build\`)`);
});

test('a zero-byte .onnx file', async (t) => {
  const s = await scratchModelFor(t);
  await writeFile(s.onnx, '');
  await t.throwsAsync(open(s.dir), { instanceOf: ResourceError, message: `model file ${s.onnx} is empty (0 bytes)` });
});

test('a truncated .onnx file', async (t) => {
  const s = await scratchModelFor(t);
  const bytes = await readFile(s.onnx);
  await writeFile(s.onnx, bytes.subarray(0, Math.floor(bytes.length / 2)));
  const err = await t.throwsAsync(open(s.dir), { instanceOf: ResourceError });
  t.true(err!.message.startsWith(`model file ${s.onnx} is not a valid ONNX model: field 7 at byte`), err!.message);
  t.regex(err!.message, /\(truncated\)/);
});

test('a garbage file and a non-ONNX file', async (t) => {
  const s = await scratchModelFor(t);
  const garbage = Buffer.alloc(4096);
  for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919 + 13) % 251;
  await writeFile(s.onnx, garbage);
  await t.throwsAsync(open(s.dir), { instanceOf: ResourceError, message: new RegExp(`^model file ${s.onnx} is not a valid ONNX model: `) });
  await writeFile(s.onnx, JSON.stringify({ hello: 'world' }));
  await t.throwsAsync(open(s.dir), { instanceOf: ResourceError, message: new RegExp(`^model file ${s.onnx} is not a valid ONNX model: `) });
});

test('a corrupted weight byte is caught by the manifest hash', async (t) => {
  const s = await scratchModelFor(t);
  const bytes = await readFile(s.onnx);
  bytes[bytes.length - 100] ^= 0xff;
  await writeFile(s.onnx, bytes);
  await t.throwsAsync(open(s.dir), { instanceOf: ResourceError, message: new RegExp(`^model file ${s.onnx} does not match its manifest: sha256 [0-9a-f]{64}, manifest records ${s.json.output!.sha256}`) });
});

test('a structurally valid model onnxruntime rejects (unknown op) names the file and the reason', async (t) => {
  const s = await scratchModelFor(t);
  const bytes = await readFile(s.onnx);
  // Rename every "Softmax" op type to "Softmix": same length, so the protobuf stays well formed.
  const text = Buffer.from(bytes).toString('latin1').replaceAll('Softmax', 'Softmix');
  await writeFile(s.onnx, Buffer.from(text, 'latin1'));
  const { output: _drop, ...withoutHash } = s.json;
  await writeManifest(s.manifest, withoutHash);
  const err = await t.throwsAsync(open(s.dir), { instanceOf: ResourceError });
  t.true(err!.message.startsWith(`model file ${s.onnx} cannot be loaded by onnxruntime (cpu): `), err!.message);
  t.regex(err!.message, /Softmix/);
});

test('a manifest whose input name is not the model input', async (t) => {
  const s = await scratchModelFor(t);
  await writeManifest(s.manifest, { ...s.json, input: { ...s.json.input, name: 'image' } });
  await t.throwsAsync(open(s.dir), {
    instanceOf: ResourceError,
    message: `model ${s.onnx} does not match its manifest ${s.manifest}:\n  input "image" is not an input of the model (its inputs: "input")`,
  });
});

test('a manifest whose input size is not the model input size', async (t) => {
  const s = await scratchModelFor(t);
  await writeManifest(s.manifest, { ...s.json, input: { ...s.json.input, width: 48, height: 48, shape: ['batch', 48, 48, 1] } });
  const err = await t.throwsAsync(open(s.dir), { instanceOf: ResourceError });
  t.is(
    err!.message,
    `model ${s.onnx} does not match its manifest ${s.manifest}:\n` +
      '  input "input" shape [batch, 48, 48, 1] does not match the model\'s [batch, 64, 64, 1] (dimension 1: 48 vs 64)\n' +
      '  input height 48 but the model takes 64\n' +
      '  input width 48 but the model takes 64',
  );
});

test('a manifest declaring 6 labels for a 7-class output', async (t) => {
  const s = await scratchModelFor(t);
  await writeManifest(s.manifest, { ...s.json, labels: s.json.labels!.slice(0, 6) });
  await t.throwsAsync(open(s.dir), {
    instanceOf: ResourceError,
    message: `model ${s.onnx} does not match its manifest ${s.manifest}:\n  output "probabilities" has 7 values per item but the manifest declares 6 labels`,
  });
});

test('labels no output fits, when no output is marked labelled', async (t) => {
  const s = await scratchModelFor(t);
  // Unmarked labels: some output must have 8 values per item; none does.
  await writeManifest(s.manifest, {
    ...s.json,
    outputs: [{ name: 'probabilities', shape: ['batch', 'classes'], meaning: 'x' }],
    labels: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'],
  });
  await t.throwsAsync(open(s.dir), { instanceOf: ResourceError, message: /no output has 8 values per item for the manifest's 8 labels \(last dimensions: 7\)/ });
});

test('labels are checked on the warm-up run when the model leaves the class dimension open', async (t) => {
  const s = await scratchModelFor(t);
  // y = Reshape(x, [0, -1]): the class dimension is only known once the model runs (16 for a 4×4 input).
  const bytes = encodeModel({
    irVersion: 8,
    opsetVersion: 17,
    producerName: 'test',
    producerVersion: '0',
    graph: {
      name: 'open-classes',
      nodes: [{ opType: 'Reshape', name: 'r', inputs: ['x', 'shape'], outputs: ['y'] }],
      initializers: [int64Tensor('shape', [2], [0, -1])],
      inputs: [{ name: 'x', elemType: DataType.FLOAT, shape: ['batch', 'h', 'w', 1] }],
      outputs: [{ name: 'y', elemType: DataType.FLOAT, shape: ['batch', 'classes'] }],
    },
  });
  await writeFile(s.onnx, bytes);
  const { output: _drop, ...rest } = s.json;
  await writeManifest(s.manifest, {
    ...rest,
    input: { ...s.json.input, name: 'x', width: 4, height: 4, shape: ['batch', 4, 4, 1] },
    outputs: [{ name: 'y', shape: ['batch', 'classes'], meaning: 'scores', labelled: true }],
    labels: ['a', 'b', 'c'],
  });
  await t.throwsAsync(open(s.dir), {
    instanceOf: ResourceError,
    message: `model ${s.onnx} does not match its manifest ${s.manifest}:\n  output "y" has 16 values per item but the manifest declares 3 labels`,
  });
});

test('a manifest naming an output the model lacks', async (t) => {
  const s = await scratchModelFor(t);
  await writeManifest(s.manifest, { ...s.json, outputs: [{ ...s.json.outputs[0], name: 'scores' }] });
  await t.throwsAsync(open(s.dir), { instanceOf: ResourceError, message: /output "scores" is not an output of the model \(its outputs: "probabilities"\)/ });
});

test('an invalid manifest lists every problem with its path', async (t) => {
  const s = await scratchModelFor(t);
  await writeManifest(s.manifest, { ...s.json, task: 'mood', input: { ...s.json.input, colour: 'rgb' } });
  const err = await t.throwsAsync(open(s.dir), { instanceOf: ResourceError });
  t.true(err!.message.startsWith(`model manifest ${s.manifest} is invalid:`), err!.message);
  t.regex(err!.message, /\/task/);
  await writeManifest(s.manifest, { ...s.json, input: { ...s.json.input, colour: 'rgb' } });
  await t.throwsAsync(open(s.dir), { instanceOf: ResourceError, message: /\/input\/shape: 1 channels, but colour "rgb" has 3/ });
  await writeFile(s.manifest, '{ not json');
  await t.throwsAsync(open(s.dir), { instanceOf: ResourceError, message: new RegExp(`^model manifest ${s.manifest}: `) });
});

test('an unknown model name says which manifest is missing', async (t) => {
  const s = await scratchModelFor(t);
  await t.throwsAsync(open(s.dir, 'nosuch'), { instanceOf: ResourceError, message: `model nosuch: no manifest ${join(s.dir, 'nosuch.json')} (built-in models come from \`glance models build\`)` });
});
