import test from 'ava';
import { EventBus } from '../../src/core/bus.ts';
import { HealthRegistry } from '../../src/core/health.ts';
import { Mailbox } from '../../src/core/mailbox.ts';
import type { Frame, FrameFaces, GlanceEvents } from '../../src/core/types.ts';
import { decodeImageFile } from '../../src/tools/media/image-file.ts';
import { InferenceStage } from '../../src/inference/stage.ts';
import { inferenceConfig, privacyConfig, quietLog } from './helpers/analyzer.ts';
import { demo } from './helpers/bad-images.ts';
import { ResourceError } from '../../src/core/errors.ts';

function deps(over: { modelsDir?: string; worker?: boolean } = {}) {
  return {
    config: inferenceConfig(over),
    privacy: privacyConfig(),
    log: quietLog,
    frames: new Mailbox<Frame>(),
    bus: new EventBus<GlanceEvents>(quietLog),
    health: new HealthRegistry(),
  };
}

test('pulls frames from the mailbox, emits faces with per-model timings, reports health', async (t) => {
  const d = deps();
  const stage = new InferenceStage(d);
  const img = await decodeImageFile(demo(2));
  await stage.start(new AbortController().signal);
  try {
    const got: FrameFaces[] = [];
    const two = new Promise<void>((resolve) => d.bus.on('faces', (f) => (got.push(f), got.length === 2 && resolve())));
    d.frames.offer({ seq: 7, monoMs: 1, wallMs: 1000, ...img });
    // One slot: offering the next frame before the stage took this one would replace it.
    await d.frames.whenEmpty();
    d.frames.offer({ seq: 8, monoMs: 2, wallMs: 2000, width: 64, height: 48, data: new Uint8Array(64 * 48 * 3) });
    await two;
    t.is(got[0].seq, 7);
    t.is(got[0].faces.length, 3);
    t.true(got[0].timingsMs.blazeface > 0 && got[0].timingsMs.agegender > 0);
    t.deepEqual(got[1].faces, []);
    const h = d.health.snapshot().inference as { providers: Record<string, string>; processed: number; ms: Record<string, { p50: number; p95: number }> };
    t.deepEqual(h.providers, { blazeface: 'cpu', facemesh: 'cpu', emotion: 'cpu', agegender: 'cpu' });
    t.is(h.processed, 2);
    t.true(h.ms.blazeface.p95 >= h.ms.blazeface.p50);
  } finally {
    await stage.stop();
  }
  t.is(d.health.snapshot().inference, undefined);
});

test('a bad frame is logged and skipped; the loop keeps serving', async (t) => {
  const d = deps();
  const stage = new InferenceStage(d);
  await stage.start(new AbortController().signal);
  try {
    const next = new Promise<FrameFaces>((resolve) => d.bus.on('faces', resolve));
    d.frames.offer({ seq: 1, monoMs: 0, wallMs: 0, width: 100, height: 100, data: new Uint8Array(5) });
    await d.frames.whenEmpty();
    d.frames.offer({ seq: 2, monoMs: 0, wallMs: 0, width: 32, height: 32, data: new Uint8Array(32 * 32 * 3) });
    t.is((await next).seq, 2);
    t.is((d.health.snapshot().inference as { errors: number }).errors, 1);
  } finally {
    await stage.stop();
  }
});

test('a missing model fails start-up with a ResourceError (the daemon exits 3)', async (t) => {
  const stage = new InferenceStage(deps({ modelsDir: '/nonexistent/models' }));
  await t.throwsAsync(stage.start(new AbortController().signal), { instanceOf: ResourceError, message: /blazeface/ });
  await stage.stop();
});

test('with inference.worker the models run in a worker thread and give exactly what the in-process analyzer gives', async (t) => {
  const img = await decodeImageFile(demo(4));
  const facesFrom = async (worker: boolean): Promise<{ faces: FrameFaces['faces']; thread: string }> => {
    const d = deps({ worker });
    const stage = new InferenceStage(d);
    await stage.start(new AbortController().signal);
    try {
      const got = new Promise<FrameFaces>((resolve) => d.bus.on('faces', resolve));
      d.frames.offer({ seq: 1, monoMs: 1, wallMs: 1, ...img });
      const faces = (await got).faces;
      return { faces, thread: (d.health.snapshot().inference as { thread: string }).thread };
    } finally {
      await stage.stop();
    }
  };
  const inWorker = await facesFrom(true);
  const inMain = await facesFrom(false);
  t.is(inWorker.thread, 'worker');
  t.is(inMain.thread, 'main');
  t.is(inWorker.faces.length, 4);
  t.deepEqual(inWorker.faces, inMain.faces);
});
