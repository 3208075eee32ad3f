import test from 'ava';
import { writeFile } from 'node:fs/promises';
import { resolveDescriptor } from '../../../src/inference/runtime/descriptor.ts';
import { loadManifest } from '../../../src/inference/runtime/manifest.ts';
import { scratchModelFor, writeManifest } from './support.ts';
import { ResourceError } from '../../../src/core/errors.ts';

/**
 * manifest.ts is the one reader of manifest JSON: a key the schema does not know is an error that
 * names it, whether the manifest is read for the runtime or for the analyzer's descriptor (which no
 * longer accepts look-alike keys such as `color`, `family` or `onnx` on its own).
 */

test('a misspelled input key ("color" for "colour") names the key and the one it should be', async (t) => {
  const s = await scratchModelFor(t);
  const { colour, ...input } = s.json.input;
  await writeManifest(s.manifest, { ...s.json, input: { ...input, color: colour } });
  for (const read of [() => loadManifest(s.manifest), () => resolveDescriptor('emotion', s.dir)]) {
    const err = t.throws(read, { instanceOf: ResourceError });
    t.true(err!.message.startsWith(`model manifest ${s.manifest} is invalid:`), err!.message);
    t.regex(err!.message, /\/input\/color: Unexpected property/);
    t.regex(err!.message, /\/input\/colour: Expected required property/);
  }
});

test('unknown top-level keys are named, including the aliases the descriptor used to accept', async (t) => {
  const s = await scratchModelFor(t);
  const { decoder, file, ...rest } = s.json;
  await writeManifest(s.manifest, { ...rest, family: decoder, onnx: file });
  const err = t.throws(() => resolveDescriptor('emotion', s.dir), { instanceOf: ResourceError });
  t.regex(err!.message, /\/family: Unexpected property/);
  t.regex(err!.message, /\/onnx: Unexpected property/);
  t.regex(err!.message, /\/decoder: Expected required property/);
});

test('the descriptor takes the validated manifest as it is, with family defaults only for crop and labels', async (t) => {
  const s = await scratchModelFor(t);
  await writeManifest(s.manifest, { ...s.json, input: { ...s.json.input, mean: [100], std: [50] } });
  const d = resolveDescriptor('emotion', s.dir, 'emotion');
  t.is(d.manifestFile, s.manifest);
  t.is(d.manifest!.name, 'emotion');
  t.is(d.file, s.onnx);
  t.deepEqual([d.input.mean, d.input.std], [[100], [50]]);
  t.is(d.input.name, s.json.input.name);
  t.is(d.crop, 1.15, 'fer-emotion default crop');
  await writeManifest(s.manifest, { ...s.json, crop: 2, labels: ['neutral', 'happy', 'sad', 'surprise', 'fear', 'disgust', 'angry'] });
  const own = resolveDescriptor('emotion', s.dir);
  t.is(own.crop, 2);
  t.deepEqual(own.labels, ['neutral', 'happy', 'sad', 'surprise', 'fear', 'disgust', 'angry']);
  await writeFile(s.manifest, '{ "name": "emotion" ');
  t.throws(() => resolveDescriptor('emotion', s.dir), { instanceOf: ResourceError, message: new RegExp(`^model manifest ${s.manifest}: `) });
});
