import test from 'ava';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { collect, startCapture, tempDir } from './helpers.ts';
import { ResourceError } from '../../src/core/errors.ts';

const solid = (width: number, height: number, channels: 3 | 4, background: { r: number; g: number; b: number; alpha?: number }) => sharp({ create: { width, height, channels, background } });

test('images: every picture, whatever its size and format, becomes a frame of the configured size, in name order', async (t) => {
  const dir = tempDir(t);
  // Names sort numerically (2 before 10); a grey JPEG, an RGBA PNG and an odd-sized WebP.
  await solid(300, 200, 3, { r: 200, g: 0, b: 0 }).jpeg().toFile(path.join(dir, 'pic2.jpg'));
  await solid(50, 90, 4, { r: 0, g: 200, b: 0, alpha: 1 }).png().toFile(path.join(dir, 'pic10.png'));
  await solid(123, 77, 3, { r: 0, g: 0, b: 200 }).webp({ lossless: true }).toFile(path.join(dir, 'pic11.webp'));
  await solid(64, 64, 3, { r: 90, g: 90, b: 90 }).greyscale().jpeg().toFile(path.join(dir, 'pic1.jpg'));
  writeFileSync(path.join(dir, 'notes.txt'), 'not a picture');

  const h = await startCapture(t, { source: `images:${dir}`, width: 96, height: 64, fps: 40, slideMs: 50 });
  const frames = await collect(h.frames, { timeoutMs: 10000, until: (f) => f.length >= 16 });
  t.is(frames.length, 16);
  for (const f of frames) {
    t.is(f.width, 96);
    t.is(f.height, 64);
    t.is(f.data.byteLength, 96 * 64 * 3);
  }
  // Dominant channel of the centre pixel names the picture; grey has none.
  const label = (data: Uint8Array) => {
    const i = (32 * 96 + 48) * 3;
    const [r, g, b] = [data[i], data[i + 1], data[i + 2]];
    if (Math.abs(r - g) < 20 && Math.abs(g - b) < 20) return 'grey';
    return r > g && r > b ? 'red' : g > b ? 'green' : 'blue';
  };
  const sequence = frames.map((f) => label(f.data)).filter((l, i, all) => i === 0 || l !== all[i - 1]);
  const cycle = ['grey', 'red', 'green', 'blue'];
  const start = cycle.indexOf(sequence[0]);
  t.deepEqual(
    sequence,
    sequence.map((_, i) => cycle[(start + i) % 4]),
    `slides in name order: ${sequence.join(' ')}`,
  );
  t.true(sequence.length >= 4, 'each picture stays only slideMs');
  t.is(h.capture().state, 'streaming');
});

test('demo: the sample photos arrive as frames of the configured size, paced at fps', async (t) => {
  const h = await startCapture(t, { source: 'demo', width: 320, height: 180, fps: 20, slideMs: 100 });
  const frames = await collect(h.frames, { timeoutMs: 15000, until: (f) => f.length >= 12 });
  t.is(frames.length, 12);
  for (const f of frames) t.is(f.data.byteLength, 320 * 180 * 3);
  const spanMs = frames[11].monoMs - frames[0].monoMs;
  t.true(spanMs > 11 * 50 * 0.7, `paced, not bursting: 12 frames in ${spanMs.toFixed(0)} ms at 20 fps`);
  // A real photo: the centre is neither letterbox black nor flat.
  const row = frames[0].data.subarray(90 * 320 * 3, 91 * 320 * 3);
  const values = new Set(row);
  t.true(values.size > 30, 'a photo, not a flat fill');
  t.is(h.capture().source, 'demo');
});

test('images: a missing directory or one without pictures is a ResourceError naming it', async (t) => {
  const empty = tempDir(t);
  await t.throwsAsync(startCapture(t, { source: `images:${empty}` }), { instanceOf: ResourceError, message: new RegExp(`${empty}.*no pictures`) });
  await t.throwsAsync(startCapture(t, { source: `images:${empty}/nope` }), { instanceOf: ResourceError, message: /nope: no such directory/ });
});
