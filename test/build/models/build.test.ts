import test from 'ava';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildModels } from '../../../src/build/models/build.ts';
import { BUILTIN_MODELS } from '../../../src/build/models/builtin.ts';
import { MODELS_DIR } from '../../inference/runtime/support.ts';

/**
 * The build into a fresh folder reproduces the committed manifests byte for byte (so the recorded
 * output sha256 is what every machine builds), and is idempotent.
 */

test('a fresh build reproduces the committed manifests, then skips, then rebuilds only what changed', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'glance-build-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));

  const first = await buildModels({ modelsDir: dir });
  t.deepEqual(
    first.map((r) => [r.name, r.status]),
    BUILTIN_MODELS.map((m) => [m.name, 'built']),
  );
  for (const m of BUILTIN_MODELS) {
    const built = await readFile(join(dir, `${m.name}.json`), 'utf8');
    const committed = await readFile(join(MODELS_DIR, `${m.name}.json`), 'utf8');
    t.is(built, committed, `models/${m.name}.json is stale: run glance models build and commit it`);
  }
  t.log(first.map((r) => `${r.name} ${(r.bytes / 1e6).toFixed(1)} MB in ${Math.round(r.ms)} ms`).join(', '));

  const second = await buildModels({ modelsDir: dir });
  t.true(second.every((r) => r.status === 'up-to-date'));

  // A damaged output is rebuilt; the others are left alone.
  const onnx = join(dir, 'emotion.onnx');
  const bytes = await readFile(onnx);
  await writeFile(onnx, bytes.subarray(0, 1000));
  const third = await buildModels({ modelsDir: dir });
  t.deepEqual(
    third.filter((r) => r.status === 'built').map((r) => r.name),
    ['emotion'],
  );
  t.deepEqual(await readFile(onnx), bytes);

  // A manifest from an older converter forces a rebuild of that model.
  const mf = join(dir, 'blazeface.json');
  const m = JSON.parse(await readFile(mf, 'utf8'));
  m.provenance.converter.version = '0';
  await writeFile(mf, JSON.stringify(m));
  const fourth = await buildModels({ modelsDir: dir, only: ['blazeface', 'emotion'] });
  t.deepEqual(
    fourth.map((r) => [r.name, r.status]),
    [
      ['blazeface', 'built'],
      ['emotion', 'up-to-date'],
    ],
  );

  const forced = await buildModels({ modelsDir: dir, force: true, only: ['emotion'] });
  t.is(forced[0].status, 'built');
});

test('a missing source package is a clear error', async (t) => {
  await t.throwsAsync(buildModels({ modelsDir: join(tmpdir(), 'unused'), humanDir: '/nonexistent/human' }), { message: /ENOENT.*\/nonexistent\/human\/package\.json/ });
});
