import test from 'ava';
import path from 'node:path';
import { formatPipelineBench } from '../../../src/tools/bench/format-pipeline.ts';
import { repoRoot, runGlance } from '../../helpers/process.ts';
import { ffmpegBin, run, tempDir } from '../../capture/helpers.ts';

test('glance bench --source runs the real pipeline and reports fps, stage times, latency, faces and RSS as JSON', async (t) => {
  // Two seconds of a real photo with faces, so detection, landmarks and attributes all run.
  const clip = path.join(tempDir(t, 'glance-bench-'), 'faces.mkv');
  const photo = path.join(repoRoot, 'node_modules/@vladmandic/face-api/demo/sample1.jpg');
  await run(ffmpegBin(), ['-hide_banner', '-v', 'error', '-y', '-loop', '1', '-i', photo, '-t', '2', '-r', '10', '-vf', 'scale=640:480', '-c:v', 'ffv1', clip]);
  const env = process.env.GLANCE_CAPTURE__FFMPEG_PATH ? { GLANCE_CAPTURE__FFMPEG_PATH: process.env.GLANCE_CAPTURE__FFMPEG_PATH } : {};

  const r = await runGlance(['bench', '--source', `file:${clip}`, '--frames', '20', '--width', '640', '--height', '480', '--json'], env, 90_000);
  t.is(r.code, 0, r.stderr);
  const result = JSON.parse(r.stdout);
  t.is(result.frames, 20);
  t.is(result.width, 640);
  t.true(result.fps > 0);
  t.true(result.facesPerFrame > 0, 'the photo has faces');
  t.true(result.peakRssMb > 0);
  t.true(result.eventLoopDelayMs.p99 > 0 && result.eventLoopDelayMs.max >= result.eventLoopDelayMs.p99);
  t.true(result.rssGrowthMb.fifths.length >= 1 && result.rssGrowthMb.fifths.every((v: number) => v > 0 && v <= result.peakRssMb));
  for (const key of ['decode', 'detect', 'landmarks', 'attributes', 'tracking', 'store']) t.true(result.stageMs[key] >= 0, key);
  t.true(result.stageMs.detect > 0 && result.stageMs.attributes > 0, JSON.stringify(result.stageMs));
  t.true(result.latencyMs.p50 > 0 && result.latencyMs.p50 <= result.latencyMs.p95 && result.latencyMs.p95 <= result.latencyMs.p99);
  t.true(result.cpu.node > 0);
  t.is(result.loadAverage.length, 3);
  t.regex(formatPipelineBench(result), /20 frames in [\d.]+ s = [\d.]+ frames\/s end-to-end/);

  // lockstep with the worker-thread analyzer: every decoded frame is analysed, none dropped.
  const lockstep = await runGlance(['bench', '--source', `file:${clip}`, '--frames', '20', '--width', '640', '--height', '480', '--pace', 'lockstep', '--json'], { ...env, GLANCE_INFERENCE__WORKER: 'true' }, 90_000);
  t.is(lockstep.code, 0, lockstep.stderr);
  const stepped = JSON.parse(lockstep.stdout);
  t.is(stepped.frames, 20);
  t.is(stepped.dropped, 0);
  t.true(stepped.facesPerFrame > 0);

  const badPace = await runGlance(['bench', '--source', `file:${clip}`, '--pace', 'realtime']);
  t.is(badPace.code, 2);
  t.regex(badPace.stderr, /--pace realtime: expected asfast or lockstep/);

  const both = await runGlance(['bench', '--source', `file:${clip}`, '--frames', '5', '--duration', '1']);
  t.is(both.code, 2);
  t.regex(both.stderr, /--frames and --duration are exclusive/);
});
