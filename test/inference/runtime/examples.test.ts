import test from 'ava';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { resolveDescriptor } from '../../../src/inference/runtime/descriptor.ts';
import { loadManifest, manifestSource, modelFileOf } from '../../../src/inference/runtime/manifest.ts';
import { openModel } from '../../../src/inference/runtime/open-model.ts';
import { MODELS_DIR } from './support.ts';

/**
 * The example manifests for user-supplied models (models/examples/). The manifests themselves are
 * always checked; loading the models needs ../shared/models, which a fresh clone does not have.
 */
const EXAMPLES = join(MODELS_DIR, 'examples');
const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.json'));

test('there are example manifests for YuNet, UltraFace and mini-Xception', (t) => {
  t.deepEqual(files.sort(), ['mini-xception.json', 'ultraface.json', 'yunet.json']);
});

for (const f of files) {
  const manifestFile = join(EXAMPLES, f);
  test(`${f}: valid manifest the analyzer can read`, (t) => {
    const m = loadManifest(manifestFile);
    const d = resolveDescriptor(manifestFile, MODELS_DIR);
    t.is(d.family, m.decoder);
    t.is(d.task, m.task);
    t.is(d.input.layout, m.input.layout.toLowerCase() as 'nchw' | 'nhwc');
    t.is(d.file, modelFileOf(m, manifestFile));
  });

  const modelFile = modelFileOf(loadManifest(manifestFile), manifestFile);
  const run = existsSync(modelFile) ? test : test.skip;
  run(`${f}: the model loads, matches its manifest and runs (needs ../shared/models)`, async (t) => {
    const model = await openModel(manifestSource(manifestFile));
    t.teardown(() => model.close());
    t.is(model.provider, 'cpu');
    for (const out of model.manifest.outputs) t.truthy(model.warmUpShapes[out.name], out.name);
    if (model.manifest.labels) {
      const labelled = model.manifest.outputs.find((o) => o.labelled)!;
      t.is(model.warmUpShapes[labelled.name].at(-1), model.manifest.labels.length);
    }
  });
}
