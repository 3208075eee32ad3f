import test from 'ava';
import path from 'node:path';
import { readVideoFrames } from '../../../src/tools/media/video-file.ts';
import { ResourceError } from '../../../src/core/errors.ts';
import { ffmpegBin, makeCountingClip, tempDir } from '../../capture/helpers.ts';

test('video frames decode through the configured capture.ffmpegPath, every n-th frame up to maxFrames', async (t) => {
  const clip = path.join(tempDir(t), 'count.mkv');
  await makeCountingClip(clip, { frames: 10, fps: 10, width: 64, height: 48 });
  const frames = [];
  for await (const f of readVideoFrames(clip, { ffmpegPath: ffmpegBin(), every: 3, maxFrames: 3 })) frames.push(f);
  t.deepEqual(
    frames.map((f) => [f.index, f.width, f.height, f.data.length]),
    [
      [0, 64, 48, 64 * 48 * 3],
      [3, 64, 48, 64 * 48 * 3],
      [6, 64, 48, 64 * 48 * 3],
    ],
  );
});

test('a capture.ffmpegPath that is not an executable is an error, not a silent fallback to another ffmpeg', async (t) => {
  const frames = readVideoFrames('/nowhere/clip.mp4', { ffmpegPath: '/nonexistent/ffmpeg' });
  await t.throwsAsync(frames.next(), { instanceOf: ResourceError, message: 'capture.ffmpegPath /nonexistent/ffmpeg is not an executable file' });
});
