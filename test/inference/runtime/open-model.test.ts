import test from 'ava';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { resolveDescriptor } from '../../../src/inference/runtime/descriptor.ts';
import { BUILTIN_MODELS } from '../../../src/build/models/builtin.ts';
import { inputDims } from '../../../src/inference/runtime/warmup.ts';
import { manifestSource } from '../../../src/inference/runtime/manifest.ts';
import { openModel } from '../../../src/inference/runtime/open-model.ts';
import { ensureBuiltModels, memoryLog, MODELS_DIR } from './support.ts';

/** The built models through the public entry point: validated, warmed up, batch 1 and 3, on cpu. */

test.before(async () => {
  await ensureBuiltModels();
});

for (const spec of BUILTIN_MODELS) {
  test(`${spec.name}: opens on cpu, warms up, runs a batch of 3`, async (t) => {
    const log = memoryLog();
    const model = await openModel(manifestSource(join(MODELS_DIR, `${spec.name}.json`)), {}, log);
    t.teardown(() => model.close());
    t.is(model.provider, 'cpu');
    t.is(model.name, spec.name);
    t.deepEqual(model.inputNames, ['input']);
    t.deepEqual(
      [...model.outputNames].sort(),
      Object.values(spec.outputs)
        .map((o) => o.name)
        .sort(),
    );
    for (const out of model.manifest.outputs) {
      t.deepEqual(
        model.warmUpShapes[out.name],
        out.shape.map((d) => (typeof d === 'number' ? d : 1)),
        `warm-up shape of ${out.name}`,
      );
    }
    const dims = inputDims(model.manifest, 3);
    const res = await model.run({ input: { data: new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(0.5), dims } });
    for (const out of model.manifest.outputs) t.is(res[out.name].dims[0], 3, `${out.name} batch`);
    // Identical items in a batch give identical outputs (no cross-talk between batch items).
    const first = res[model.manifest.outputs[0].name];
    const per = first.data.length / 3;
    t.deepEqual([...first.data.subarray(0, per)], [...first.data.subarray(2 * per, 3 * per)]);
  });
}

test('the built manifests are what the analyzer reads (descriptor family, input format, labels)', async (t) => {
  for (const spec of BUILTIN_MODELS) {
    const d = resolveDescriptor(spec.name, MODELS_DIR);
    t.is(d.family, spec.manifest.decoder);
    t.is(d.task, spec.manifest.task);
    t.true(existsSync(d.file), d.file);
    t.is(d.input.layout, 'nhwc');
    t.is(d.input.width, spec.manifest.input.width);
    t.is(d.input.colour, spec.manifest.input.colour);
    t.deepEqual([...d.input.mean], spec.manifest.input.mean);
    t.deepEqual([...d.input.std], spec.manifest.input.std);
    if (spec.manifest.labels) t.deepEqual(d.labels, spec.manifest.labels);
  }
});
