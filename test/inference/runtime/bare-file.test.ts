import test from 'ava';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveDescriptor } from '../../../src/inference/runtime/descriptor.ts';
import { openModel } from '../../../src/inference/runtime/open-model.ts';
import { ensureBuiltModels, memoryLog, MODELS_DIR } from './support.ts';
import { ResourceError } from '../../../src/core/errors.ts';

/**
 * A bare `family:model.onnx` drop-in, with no manifest: it opens through the same openModel as a
 * manifest model, on the CPU whatever providers are configured, without a warm-up; a bad file is
 * a ResourceError naming it, like any other model.
 */

async function scratchDir(t: { teardown(fn: () => Promise<void>): void }): Promise<string> {
  await ensureBuiltModels();
  const dir = await mkdtemp(join(tmpdir(), 'glance-bare-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('a bare drop-in opens on cpu only, has no manifest and runs', async (t) => {
  const dir = await scratchDir(t);
  const file = join(dir, 'mood.onnx');
  await copyFile(join(MODELS_DIR, 'emotion.onnx'), file);
  const desc = resolveDescriptor(`fer-emotion:${file}`, dir, 'emotion');
  t.is(desc.manifest, undefined);
  const log = memoryLog();
  const model = await openModel(desc, { providers: ['tensorrt', 'cuda', 'cpu'], intraOpThreads: 1 }, log);
  t.teardown(() => model.close());
  t.is(model.provider, 'cpu');
  t.deepEqual(model.skipped, [], 'GPU providers are not even tried');
  t.is(model.name, 'mood');
  t.is(model.manifest, undefined);
  t.deepEqual(model.warmUpShapes, {});
  const out = await model.run({ [model.inputNames[0]]: { data: new Float32Array(64 * 64), dims: [1, 64, 64, 1] } });
  t.deepEqual(
    Object.values(out).map((o) => [...o.dims]),
    [[1, 7]],
  );
  t.deepEqual(
    log.lines.filter((l) => l.level === 'warn'),
    [],
  );
});

test('a name with only an .onnx in the models folder is a bare drop-in of its known family', async (t) => {
  const dir = await scratchDir(t);
  await copyFile(join(MODELS_DIR, 'emotion.onnx'), join(dir, 'emotion.onnx'));
  const desc = resolveDescriptor('emotion', dir);
  t.is(desc.family, 'fer-emotion');
  t.is(desc.file, join(dir, 'emotion.onnx'));
  t.is(desc.manifest, undefined);
});

test('a missing, empty or corrupt bare file is a ResourceError naming it', async (t) => {
  const dir = await scratchDir(t);
  const file = join(dir, 'blazeface.onnx');
  const open = () => openModel(resolveDescriptor(`blazeface:${file}`, dir));
  await t.throwsAsync(open(), { instanceOf: ResourceError, message: `model file ${file} is missing (built-in models are made by \`glance models build\`)` });
  await writeFile(file, '');
  await t.throwsAsync(open(), { instanceOf: ResourceError, message: `model file ${file} is empty (0 bytes)` });
  await writeFile(file, 'this is not a protobuf model at all');
  await t.throwsAsync(open(), { instanceOf: ResourceError, message: new RegExp(`^model file ${file} is not a valid ONNX model: `) });
});
