import test from 'ava';
import path from 'node:path';
import { collect, frameIndex, takeUntilEnded, makeCountingClip, startCapture, tempDir, waitFor } from './helpers.ts';

test('file: realtime delivers every frame once, in order, at the configured size, at the clip’s pace (±10%), then ends', async (t) => {
  const dir = tempDir(t);
  const clip = path.join(dir, 'count.mkv');
  const fps = 25;
  const total = 50;
  await makeCountingClip(clip, { frames: total, fps, width: 64, height: 48 });

  const h = await startCapture(t, { source: `file:${clip}`, width: 64, height: 48, loop: false, pace: 'realtime' });
  const frames = await takeUntilEnded(h, 15000);
  t.is(frames.length, total, 'every frame of the clip reached the consumer');
  t.is(h.frames.counters.dropped, 0, 'a consumer faster than the source loses nothing');
  t.is(h.capture().captured, total);
  for (const f of frames) {
    t.is(f.width, 64);
    t.is(f.height, 48);
    t.is(f.data.byteLength, 64 * 48 * 3);
  }
  const indices = frames.map(frameIndex);
  t.deepEqual(indices, [...Array(frames.length).keys()], 'frame content comes in clip order, none repeated or skipped');
  t.deepEqual(
    frames.map((f) => f.seq),
    [...Array(frames.length).keys()],
  );
  t.true(frames.every((f, i) => i === 0 || f.monoMs >= frames[i - 1].monoMs), 'monotonic timestamps');

  const spanMs = frames[frames.length - 1].monoMs - frames[0].monoMs;
  const expectedMs = ((frames.length - 1) * 1000) / fps;
  t.log(`pacing: ${frames.length} frames in ${spanMs.toFixed(0)} ms, expected ${expectedMs.toFixed(0)} ms`);
  t.true(Math.abs(spanMs - expectedMs) <= expectedMs * 0.1, `realtime pacing within 10%: ${spanMs.toFixed(0)} vs ${expectedMs.toFixed(0)} ms`);
  t.is(h.capture().state, 'ended');
  t.is(h.capture().restarts, 0);
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
  await waitFor(() => h.capture().captured >= 35, 15000, '35 frames from a 10-frame clip');
  t.is(h.capture().state, 'streaming');
  t.is(h.capture().restarts, 0, 'looping is ffmpeg’s, not a restart');
});
