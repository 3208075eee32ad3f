import test from 'ava';
import { join } from 'node:path';
import { loadManifest } from '../../../src/inference/runtime/manifest.ts';
import { loadOnnxRuntime } from '../../../src/inference/runtime/onnxruntime.ts';
import { precheckProvider } from '../../../src/inference/runtime/providers.ts';
import { createSession } from '../../../src/inference/runtime/session.ts';
import { ensureBuiltModels, memoryLog, MODELS_DIR } from './support.ts';
import { ResourceError } from '../../../src/core/errors.ts';

/**
 * Provider fallback on this CPU-only machine: the npm onnxruntime-node has no CUDA/TensorRT
 * libraries, so the default ['tensorrt', 'cuda', 'cpu'] must end on cpu, with a reason for each
 * skipped provider, logged once per process however many models load.
 */

test.before(async () => {
  await ensureBuiltModels();
});

const model = (name: string) => ({ file: join(MODELS_DIR, `${name}.onnx`), manifest: loadManifest(join(MODELS_DIR, `${name}.json`)) });

test.serial('tensorrt, cuda, cpu ends on cpu with a reason for each skipped provider, logged once', async (t) => {
  const log = memoryLog();
  const a = model('emotion');
  const first = await createSession(a.file, a.manifest, { providers: ['tensorrt', 'cuda', 'cpu'] }, log);
  t.is(first.provider, 'cpu');
  t.deepEqual(
    first.skipped.map((s) => s.provider),
    ['tensorrt', 'cuda'],
  );
  for (const s of first.skipped) {
    t.regex(s.reason, new RegExp(`libonnxruntime_providers_${s.provider}\\.so`));
    t.regex(s.reason, /ONNXRUNTIME_NODE_INSTALL=cuda12/);
  }
  const b = model('blazeface');
  const second = await createSession(b.file, b.manifest, {}, log); // the default order
  t.is(second.provider, 'cpu');
  t.deepEqual(
    second.skipped.map((s) => s.provider),
    ['tensorrt', 'cuda'],
  );
  const warnings = log.lines.filter((l) => l.level === 'warn');
  t.deepEqual(
    warnings.map((w) => w.obj.provider),
    ['tensorrt', 'cuda'],
    'each skip reason is logged once per process',
  );
  const ready = log.lines.filter((l) => l.msg === 'model session ready');
  t.deepEqual(
    ready.map((r) => [r.obj.model, r.obj.provider]),
    [
      ['emotion', 'cpu'],
      ['blazeface', 'cpu'],
    ],
  );
  await first.session.release();
  await second.session.release();
});

test('a GPU-only provider list fails with the reasons', async (t) => {
  const a = model('emotion');
  const err = await t.throwsAsync(createSession(a.file, a.manifest, { providers: ['cuda'] }), { instanceOf: ResourceError });
  t.regex(err!.message, /no execution provider could load it \(tried cuda\): cuda: libonnxruntime_providers_shared\.so, libonnxruntime_providers_cuda\.so not installed/);
});

test('the precheck names the missing provider library; cpu needs none', (t) => {
  const rt = loadOnnxRuntime();
  t.is(precheckProvider(rt, 'cpu'), null);
  t.regex(precheckProvider(rt, 'tensorrt')!, /libonnxruntime_providers_tensorrt\.so/);
  t.regex(rt.origin, /bundled/);
});

test('inference.onnxruntimePath: a real onnxruntime-node folder loads; anything else is a ResourceError', async (t) => {
  const dir = join(MODELS_DIR, '..', 'node_modules', 'onnxruntime-node');
  const rt = loadOnnxRuntime({ onnxruntimePath: dir });
  t.regex(rt.origin, /custom/);
  const a = model('emotion');
  const s = await createSession(a.file, a.manifest, { onnxruntimePath: dir, providers: ['cpu'] });
  t.is(s.provider, 'cpu');
  await s.session.release();
  t.throws(() => loadOnnxRuntime({ onnxruntimePath: '/nonexistent/onnxruntime' }), { instanceOf: ResourceError, message: /onnxruntimePath \/nonexistent\/onnxruntime: no such file or folder/ });
  t.throws(() => loadOnnxRuntime({ onnxruntimePath: join(MODELS_DIR, '..', 'node_modules', 'pino') }), {
    instanceOf: ResourceError,
    message: /does not export InferenceSession and Tensor/,
  });
});

test('thread counts, optimisation level and the memory arena setting are accepted', async (t) => {
  const a = model('emotion');
  for (const memoryArena of [false, true]) {
    const s = await createSession(a.file, a.manifest, { providers: ['cpu'], intraOpThreads: 1, interOpThreads: 1, graphOptimizationLevel: 'basic', memoryArena });
    t.is(s.provider, 'cpu');
    await s.session.release();
  }
});
