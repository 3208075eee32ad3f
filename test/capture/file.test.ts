import test from 'ava';
import path from 'node:path';
import { waitFor } from '../helpers/wait.ts';
import { collect, frameIndex, takeUntilEnded, makeCountingClip, startCapture, tempDir } from './helpers.ts';

test('file: realtime delivers every frame once, in order, at the configured size, at the clip’s pace (±10%), then ends', async (t) => {
  const dir = tempDir(t);
  const clip = path.join(dir, 'count.mkv');
  const fps = 25;
  const total = 100;
  await makeCountingClip(clip, { frames: total, fps, width: 64, height: 48 });

  const h = await startCapture(t, { source: `file:${clip}`, width: 64, height: 48, loop: false, pace: 'realtime' });
  const frames = await takeUntilEnded(h, 15000);
  t.is(h.capture().captured, total, 'every frame of the clip was captured, none twice');
  // Latest wins: only when the event loop lags (a busy machine) can two frames meet in the slot.
  t.is(frames.length + h.frames.counters.dropped, total, 'each frame either reached the consumer or was counted as dropped');
  t.true(frames.length >= total * 0.8, `a consumer faster than the source gets (nearly) all: ${frames.length}`);
  for (const f of frames) {
    t.is(f.width, 64);
    t.is(f.height, 48);
    t.is(f.data.byteLength, 64 * 48 * 3);
  }
  // The picture inside frame seq N is clip frame N: nothing skipped, repeated or reordered.
  t.deepEqual(
    frames.map(frameIndex),
    frames.map((f) => f.seq),
    'frame content matches its sequence number',
  );
  t.is(frames[0].seq, 0);
  t.is(frames[frames.length - 1].seq, total - 1);
  t.true(
    frames.every((f, i) => i === 0 || (f.seq > frames[i - 1].seq && f.monoMs >= frames[i - 1].monoMs)),
    'increasing seq and monotonic timestamps',
  );

  // ffmpeg's decoder and filters run a few frames ahead of -re's clock at the start and flush
  // together at the end, so the pace is measured between the 5th and the 5th-from-last frames.
  const first = frames[4];
  const last = frames[frames.length - 5];
  const spanMs = last.monoMs - first.monoMs;
  const expectedMs = ((last.seq - first.seq) * 1000) / fps;
  t.log(`pacing: ${total} frames in ${spanMs.toFixed(0)} ms, expected ${expectedMs.toFixed(0)} ms; ${h.frames.counters.dropped} dropped`);
  t.true(Math.abs(spanMs - expectedMs) <= expectedMs * 0.1, `realtime pacing within 10%: ${spanMs.toFixed(0)} vs ${expectedMs.toFixed(0)} ms`);
  t.is(h.capture().state, 'ended');
  t.is(h.capture().restarts, 0);
  t.true(Math.abs(h.capture().fps - fps) < fps * 0.15, `health fps ${h.capture().fps}`);
  t.is(h.capture().lastError, null);
});

test('file: a source of another aspect ratio is letterboxed by ffmpeg to exactly width x height', async (t) => {
  const dir = tempDir(t);
  const clip = path.join(dir, 'wide.mkv');
  await makeCountingClip(clip, { frames: 5, fps: 25, width: 160, height: 40 }); // 4:1 into 4:3
  const h = await startCapture(t, { source: `file:${clip}`, width: 64, height: 48, loop: false, pace: 'asfast' });
  const [frame] = await collect(h.frames, { timeoutMs: 10000, until: (f) => f.length >= 1 });
  t.truthy(frame);
  t.is(frame.data.byteLength, 64 * 48 * 3);
  const px = (x: number, y: number) => [...frame.data.subarray((y * 64 + x) * 3, (y * 64 + x) * 3 + 3)];
  t.deepEqual(px(32, 1), [0, 0, 0], 'black band above the picture');
  t.deepEqual(px(32, 46), [0, 0, 0], 'black band below the picture');
  t.is(px(32, 24)[2], 128, 'the picture itself in the middle (blue = 128)');
});

test('file: asfast with loop keeps going past the end of the file', async (t) => {
  const dir = tempDir(t);
  const clip = path.join(dir, 'short.mkv');
  await makeCountingClip(clip, { frames: 10, fps: 25, width: 64, height: 48 });
  const h = await startCapture(t, { source: `file:${clip}`, width: 64, height: 48, loop: true, pace: 'asfast' });
  await waitFor('35 frames from a 10-frame clip', () => h.capture().captured >= 35, 15000);
  t.is(h.capture().state, 'streaming');
  t.is(h.capture().restarts, 0, 'looping is ffmpeg’s, not a restart');
});

test('file: fit crop fills the frame (edges cut), fit stretch fills it too; neither leaves black bands', async (t) => {
  const dir = tempDir(t);
  const clip = path.join(dir, 'wide.mkv');
  await makeCountingClip(clip, { frames: 3, fps: 25, width: 160, height: 40 });
  for (const fit of ['crop', 'stretch'] as const) {
    const h = await startCapture(t, { source: `file:${clip}`, width: 64, height: 48, loop: false, pace: 'asfast', fit });
    const [frame] = await collect(h.frames, { timeoutMs: 10000, until: (f) => f.length >= 1 });
    t.is(frame.data.byteLength, 64 * 48 * 3);
    for (const [x, y] of [
      [1, 1],
      [62, 46],
      [32, 24],
    ])
      t.is(frame.data[(y * 64 + x) * 3 + 2], 128, `${fit}: picture at ${x},${y}`);
    await h.stage.stop();
  }
});

test('file: lockstep holds ffmpeg back until each frame is taken: a slow consumer gets every frame, in order, none dropped', async (t) => {
  const clip = path.join(tempDir(t), 'count.mkv');
  await makeCountingClip(clip, { frames: 60, fps: 25, width: 32, height: 24 });
  const h = await startCapture(t, { source: `file:${clip}`, width: 32, height: 24, pace: 'lockstep', loop: false });
  const indexes: number[] = [];
  const deadline = performance.now() + 30_000;
  while (indexes.length < 60 && performance.now() < deadline) {
    const frame = await h.frames.take();
    if (!frame) break;
    indexes.push(frameIndex(frame));
    frame.release?.();
    // A consumer far slower than decoding (asfast would drop most frames here).
    await new Promise((r) => setTimeout(r, 15));
  }
  t.deepEqual(
    indexes,
    Array.from({ length: 60 }, (_, i) => i),
  );
  t.is(h.capture().dropped, 0);
});
