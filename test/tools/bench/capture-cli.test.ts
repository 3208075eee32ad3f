import test from 'ava';
import path from 'node:path';
import { formatCaptureBench } from '../../../src/tools/bench/capture-bench.ts';
import { runGlance } from '../../helpers/process.ts';
import { makeCountingClip, tempDir } from '../../capture/helpers.ts';

test('glance bench capture prints frames/s and CPU% for a source; bad input exits 2, a missing file 3', async (t) => {
  const clip = path.join(tempDir(t), 'bench.mkv');
  await makeCountingClip(clip, { frames: 30, fps: 25, width: 96, height: 64 });
  const env = process.env.GLANCE_CAPTURE__FFMPEG_PATH ? { GLANCE_CAPTURE__FFMPEG_PATH: process.env.GLANCE_CAPTURE__FFMPEG_PATH } : {};

  const ok = await runGlance(['bench', 'capture', '--source', `file:${clip}`, '--frames', '60', '--width', '64', '--height', '48', '--json'], env);
  t.is(ok.code, 0, ok.stderr);
  const result = JSON.parse(ok.stdout);
  t.is(result.frames, 60, 'looped past the end of the 30-frame clip');
  t.is(result.width, 64);
  t.true(result.fps > 0);
  t.true(result.cpu.total > 0 && result.cpu.source > 0, JSON.stringify(result.cpu));

  t.regex(formatCaptureBench(result), /^capture file:.* → 64x48 rgb24 \(asfast\): 60 frames in [\d.]+ s = [\d.]+ frames\/s; CPU \d+% of one core \(source processes \d+%, node \d+%\)$/);

  const bad = await runGlance(['bench', 'capture', '--source', 'camera-please']);
  t.is(bad.code, 2);
  t.regex(bad.stderr, /capture\.source "camera-please": unknown source/);
  const missing = await runGlance(['bench', 'capture', '--source', 'file:/nonexistent.mp4']);
  t.is(missing.code, 3);
  t.regex(missing.stderr, /no such file/);
});
