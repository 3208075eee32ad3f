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
import { Worker } from 'node:worker_threads';

type Probe = { thread: string; processed: number; errors: number; timeouts: number; workerRestarts: number; consecutiveFailures: number; live: { ok: boolean; reason?: string } };
const probeOf = (d: ReturnType<typeof deps>) => d.health.snapshot().inference as Probe;

async function until(what: string, cond: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function deps(over: { modelsDir?: string; worker?: boolean; analysisTimeoutMs?: number; maxConsecutiveFailures?: number } = {}) {
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

test('idle, with no frame from capture (a camera that is down), the stage is live: that is not a hang', async (t) => {
  const d = deps();
  const stage = new InferenceStage(d);
  await stage.start(new AbortController().signal);
  try {
    await new Promise((r) => setTimeout(r, 200));
    t.deepEqual(d.health.liveness(), { ok: true });
    t.like(probeOf(d), { processed: 0, live: { ok: true } });
  } finally {
    await stage.stop();
  }
});

test('in-process: an analysis over analysisTimeoutMs is a failure; maxConsecutiveFailures in a row give up and fail the daemon', async (t) => {
  const d = deps({ analysisTimeoutMs: 1, maxConsecutiveFailures: 3 });
  const failures: Array<[string, string]> = [];
  d.health.onFailure((source, err) => failures.push([source, err.message]));
  const emitted: number[] = [];
  d.bus.on('faces', (f) => emitted.push(f.seq));
  const img = await decodeImageFile(demo(2));
  const stage = new InferenceStage(d);
  await stage.start(new AbortController().signal);
  try {
    const released: number[] = [];
    for (let seq = 1; seq <= 3; seq++) {
      d.frames.offer({ seq, monoMs: seq, wallMs: seq, ...img, release: () => released.push(seq) });
      await until(`frame ${seq} to fail`, () => probeOf(d)?.errors === seq || failures.length > 0);
      if (seq < 3) t.like(probeOf(d), { timeouts: seq, consecutiveFailures: seq });
    }
    await until('every frame released', () => released.length === 3);
    t.deepEqual(emitted, [], 'no result of a timed-out analysis is used');
    t.is(failures.length, 1);
    t.is(failures[0][0], 'inference');
    t.regex(failures[0][1], /gave up: 3 failed analyses in a row.*analysisTimeoutMs/);
    t.false(d.health.liveness().ok);
    t.regex(d.health.liveness().reason!, /gave up/);
  } finally {
    await stage.stop();
  }
});

test('a success ends a run of failures: bad frames below maxConsecutiveFailures never give up', async (t) => {
  const d = deps({ maxConsecutiveFailures: 2 });
  const failures: string[] = [];
  d.health.onFailure((_source, err) => failures.push(err.message));
  const stage = new InferenceStage(d);
  await stage.start(new AbortController().signal);
  try {
    const bad = (seq: number) => ({ seq, monoMs: seq, wallMs: seq, width: 100, height: 100, data: new Uint8Array(5) });
    const good = (seq: number) => ({ seq, monoMs: seq, wallMs: seq, width: 32, height: 32, data: new Uint8Array(32 * 32 * 3) });
    for (const [i, frame] of [bad(1), good(2), bad(3), good(4), bad(5)].entries()) {
      d.frames.offer(frame);
      await until(`frame ${i + 1}`, () => probeOf(d).processed + probeOf(d).errors === i + 1);
    }
    t.like(probeOf(d), { errors: 3, processed: 2, consecutiveFailures: 1, live: { ok: true } });
    t.deepEqual(failures, []);
    d.frames.offer(bad(6));
    await until('give up', () => failures.length === 1);
    t.regex(failures[0], /2 failed analyses in a row/);
  } finally {
    await stage.stop();
  }
});

test('with the worker: a thread that dies is started again and frames are analysed again; not live meanwhile', async (t) => {
  const threads: Worker[] = [];
  const d = { ...deps({ worker: true }), createThread: (entry: URL, options: ConstructorParameters<typeof Worker>[1]) => threads[threads.push(new Worker(entry, options)) - 1] };
  const img = await decodeImageFile(demo(2));
  const stage = new InferenceStage(d);
  await stage.start(new AbortController().signal);
  try {
    const got: number[] = [];
    d.bus.on('faces', (f) => got.push(f.faces.length));
    d.frames.offer({ seq: 1, monoMs: 1, wallMs: 1, ...img });
    await until('first frame', () => got.length === 1);
    t.deepEqual(d.health.liveness(), { ok: true });

    // The thread ends under the stage, as a crash in it would end it (but releasing its sessions first:
    // terminating a thread that holds onnxruntime state can abort the process); no frame is waiting.
    const ended = new Promise((resolve) => threads[0].once('exit', resolve));
    threads[0].postMessage({ type: 'close', id: 999_999 });
    await ended;
    t.false(d.health.liveness().ok, 'a dead or restarting worker is not live');
    t.regex(d.health.liveness().reason!, /worker/);
    await until('worker restarted', () => probeOf(d).workerRestarts === 1);
    t.is(threads.length, 2, 'a new thread');
    t.deepEqual(d.health.liveness(), { ok: true });

    d.frames.offer({ seq: 2, monoMs: 2, wallMs: 2, ...img });
    await until('a frame after the restart', () => got.length === 2);
    t.deepEqual(got, [3, 3]);
    t.like(probeOf(d), { processed: 2, consecutiveFailures: 0, thread: 'worker' });
  } finally {
    await stage.stop();
  }
});

test('with the worker: a hung analysis (over analysisTimeoutMs) ends the thread and starts a new one; then give up', async (t) => {
  const threads: Worker[] = [];
  const d = {
    ...deps({ worker: true, analysisTimeoutMs: 1, maxConsecutiveFailures: 2 }),
    createThread: (entry: URL, options: ConstructorParameters<typeof Worker>[1]) => threads[threads.push(new Worker(entry, options)) - 1],
  };
  const failures: string[] = [];
  d.health.onFailure((_source, err) => failures.push(err.message));
  const img = await decodeImageFile(demo(2));
  const stage = new InferenceStage(d);
  await stage.start(new AbortController().signal);
  try {
    d.frames.offer({ seq: 1, monoMs: 1, wallMs: 1, ...img });
    await until('worker restarted after the time-out', () => probeOf(d).workerRestarts === 1);
    t.like(probeOf(d), { timeouts: 1, consecutiveFailures: 1, live: { ok: true } });
    t.is(threads.length, 2);
    d.frames.offer({ seq: 2, monoMs: 2, wallMs: 2, ...img });
    await until('give up', () => failures.length === 1);
    t.regex(failures[0], /gave up: 2 failed analyses in a row/);
    t.like(probeOf(d), { timeouts: 2, workerRestarts: 1 });
    t.false(d.health.liveness().ok);
  } finally {
    await stage.stop();
  }
});

test('with the worker: a thread that never returns from an analysis is terminated after the close grace, and replaced', async (t) => {
  const hung = new URL('../fixtures/hung-analyzer-thread.mjs', import.meta.url);
  const exits: number[] = [];
  const createThread = (_entry: URL, options: ConstructorParameters<typeof Worker>[1]) => {
    const w = new Worker(hung, options);
    w.once('exit', (code) => exits.push(code));
    return w;
  };
  const d = { ...deps({ worker: true, analysisTimeoutMs: 200, maxConsecutiveFailures: 2 }), createThread };
  const failures: string[] = [];
  d.health.onFailure((_source, err) => failures.push(err.message));
  const stage = new InferenceStage(d);
  await stage.start(new AbortController().signal);
  try {
    d.frames.offer({ seq: 1, monoMs: 1, wallMs: 1, width: 32, height: 32, data: new Uint8Array(32 * 32 * 3) });
    await until('the hung thread replaced', () => probeOf(d).workerRestarts === 1, 30_000);
    t.deepEqual(exits, [1], 'the first thread was terminated (exit code 1), the second runs');
    t.like(probeOf(d), { timeouts: 1, live: { ok: true } });
    d.frames.offer({ seq: 2, monoMs: 2, wallMs: 2, width: 32, height: 32, data: new Uint8Array(32 * 32 * 3) });
    await until('give up', () => failures.length === 1, 30_000);
    t.regex(failures[0], /gave up: 2 failed analyses in a row/);
  } finally {
    await stage.stop();
  }
  t.deepEqual(exits, [1, 1], 'stop terminates the second hung thread too');
});
