import test from 'ava';
import path from 'node:path';
import { makeCountingClip, startCapture, tempDir } from './helpers.ts';

// RSS is taken as the baseline after a short warm-up (JIT, first buffers), then 10,000 frames are
// measured: a leak of even one 9 KB frame per frame would show as ~90 MB.
const WARMUP = 1000;

test('a slow consumer: 10,000 frames at full speed, drops counted, latency bounded, RSS growth under 20 MB', async (t) => {
  const clip = path.join(tempDir(t), 'fast.mkv');
  await makeCountingClip(clip, { frames: 500, fps: 25, width: 64, height: 48 });
  const h = await startCapture(t, { source: `file:${clip}`, width: 64, height: 48, pace: 'asfast', loop: true });

  const target = WARMUP + 10_000;
  const ages: number[] = [];
  let rssWarm = 0;
  let rssPeak = 0;
  let lastSeq = -1;
  let outOfOrder = 0;
  const deadline = performance.now() + 90_000;
  while (h.capture().captured < target && performance.now() < deadline) {
    const frame = await h.frames.take();
    if (!frame) break;
    ages.push(performance.now() - frame.monoMs);
    if (frame.seq <= lastSeq) outOfOrder++;
    lastSeq = frame.seq;
    // "Inference": a few ms per frame, far slower than the source.
    await new Promise((r) => setTimeout(r, 4));
    const rss = process.memoryUsage().rss;
    if (rssWarm === 0 && h.capture().captured >= WARMUP) rssWarm = rss;
    if (rssWarm) rssPeak = Math.max(rssPeak, rss);
  }
  const c = h.capture();
  t.true(c.captured >= target, `captured ${c.captured} frames`);
  // Every frame offered is either taken or dropped (one may still sit in the slot).
  t.true(c.dropped > c.captured / 2, `most frames dropped: ${c.dropped} of ${c.captured}`);
  t.true(Math.abs(c.captured - (c.dropped + c.processed)) <= 1, `captured = processed + dropped (${c.captured} vs ${c.processed} + ${c.dropped})`);
  t.is(outOfOrder, 0, 'the consumer only ever sees newer frames');

  ages.sort((a, b) => a - b);
  const p99 = ages[Math.floor(ages.length * 0.99)];
  const max = ages[ages.length - 1];
  t.log(`taken ${ages.length}, frame age at take p50 ${ages[Math.floor(ages.length / 2)].toFixed(2)} ms, p99 ${p99.toFixed(2)} ms, max ${max.toFixed(1)} ms`);
  t.log(`RSS after warm-up ${(rssWarm / 2 ** 20).toFixed(1)} MiB, peak ${(rssPeak / 2 ** 20).toFixed(1)} MiB`);
  // The slot always holds the newest frame, so its age is the time since the last offer, not a queue.
  t.true(p99 < 50, `p99 frame age ${p99.toFixed(1)} ms`);
  t.true(max < 500, `max frame age ${max.toFixed(1)} ms`);
  t.true(rssPeak - rssWarm < 20 * 2 ** 20, `RSS grew ${((rssPeak - rssWarm) / 2 ** 20).toFixed(1)} MiB`);
});

test('frames the consumer releases are reused: buffers stay flat, and a double release never shares a buffer', async (t) => {
  const clip = path.join(tempDir(t), 'fast.mkv');
  await makeCountingClip(clip, { frames: 200, fps: 25, width: 64, height: 48 });
  const h = await startCapture(t, { source: `file:${clip}`, width: 64, height: 48, pace: 'asfast', loop: true });
  const deadline = performance.now() + 60_000;
  let taken = 0;
  while (taken < 2000 && performance.now() < deadline) {
    const frame = await h.frames.take();
    if (!frame) break;
    taken++;
    frame.release!();
    frame.release!(); // a second call must not put the buffer in the pool twice
  }
  t.is(taken, 2000);
  const buffers = h.capture().buffers;
  t.true(buffers <= 8, `${buffers} buffers allocated for ${h.capture().captured} frames`);

  // Held (unreleased) frames never share a buffer, even right after a double release.
  const held = [];
  for (let i = 0; i < 6; i++) held.push((await h.frames.take())!);
  t.is(new Set(held.map((f) => f.data.buffer)).size, held.length);
});
