import test from 'ava';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { detectSource, findV4l2Camera } from '../../src/capture/auto-detect.ts';
import { waitFor } from '../helpers/wait.ts';
import { collect, ffmpegBin, memoryLogger, startCapture, tempDir } from './helpers.ts';
import { ResourceError } from '../../src/core/errors.ts';

/**
 * rpicam-vid and gst-launch-1.0 are the true edge here (no camera, no GStreamer on a CI box), so
 * they are stand-in scripts that record their argv and write what the real ones would: raw YUV 4:2:0
 * frames of the requested size on stdout. Everything from there on (the pipe into a real ffmpeg,
 * scaling, frame cutting, supervision) is the real thing.
 */
function fakeCli(dir: string, name: string, listing = ''): string {
  const script = `#!/bin/sh
printf '%s\\n' "$@" > "$FAKE_ARGS_DIR/${name}.args"
if [ "$1" = "--list-cameras" ]; then
  printf '%s' "${listing}"
  exit 0
fi
exec "$FAKE_FFMPEG" -hide_banner -v error -re -f lavfi -i "testsrc2=s=$FAKE_SIZE:r=25" -f rawvideo -pix_fmt yuv420p pipe:1
`;
  const file = path.join(dir, name);
  writeFileSync(file, script);
  chmodSync(file, 0o755);
  return file;
}

const args = (dir: string, name: string) =>
  readFileSync(path.join(dir, `${name}.args`), 'utf8')
    .trimEnd()
    .split('\n');

function withFakePath(t: Parameters<typeof tempDir>[0], size: string): string {
  const dir = tempDir(t, 'glance-fakecli-');
  const saved = { PATH: process.env.PATH, FAKE_FFMPEG: process.env.FAKE_FFMPEG, FAKE_ARGS_DIR: process.env.FAKE_ARGS_DIR, FAKE_SIZE: process.env.FAKE_SIZE };
  Object.assign(process.env, { PATH: `${dir}${path.delimiter}${process.env.PATH}`, FAKE_FFMPEG: ffmpegBin(), FAKE_ARGS_DIR: dir, FAKE_SIZE: size });
  t.teardown(() => Object.assign(process.env, saved));
  return dir;
}

// These tests change process.env.PATH, so they run one at a time.
test.serial('libcamera:N reads raw YUV from rpicam-vid through ffmpeg, and the pair restarts when the camera process dies', async (t) => {
  const dir = withFakePath(t, '128x96');
  fakeCli(dir, 'rpicam-vid');
  const h = await startCapture(t, { source: 'libcamera:1', width: 64, height: 48, fps: 25, inputWidth: 128, inputHeight: 96, backoffInitialMs: 100 });
  const frames = await collect(h.frames, { timeoutMs: 15000, until: (f) => f.length >= 5 });
  t.is(frames.length, 5);
  t.is(frames[0].data.byteLength, 64 * 48 * 3);
  t.true(new Set(frames[4].data).size > 10, 'a picture');
  t.deepEqual(args(dir, 'rpicam-vid'), ['--camera', '1', '--timeout', '0', '--nopreview', '--codec', 'yuv420', '--width', '128', '--height', '96', '--framerate', '25', '--flush', '--output', '-']);

  const [camera, ffmpeg] = h.stage.sourcePids;
  t.truthy(ffmpeg, 'two processes: camera and ffmpeg');
  process.kill(camera, 'SIGKILL');
  await waitFor('restart', () => h.capture().restarts >= 1, 5000);
  const before = h.capture().captured;
  await waitFor('frames again', () => h.capture().state === 'streaming' && h.capture().captured > before + 3, 10000);
  t.notDeepEqual(h.stage.sourcePids, [camera, ffmpeg]);
});

test.serial('libcamera: falls back to libcamera-vid where rpicam-vid does not exist; neither is a ResourceError', async (t) => {
  const dir = withFakePath(t, '64x48');
  fakeCli(dir, 'libcamera-vid');
  process.env.PATH = dir; // no real rpicam-vid either (ffmpeg then comes from the npm package)
  const h = await startCapture(t, { source: 'libcamera:0', width: 64, height: 48 });
  const frames = await collect(h.frames, { timeoutMs: 15000, until: (f) => f.length >= 2 });
  t.is(frames.length, 2);
  t.is(args(dir, 'libcamera-vid')[1], '0');
  await h.stage.stop();

  process.env.PATH = tempDir(t);
  await t.throwsAsync(startCapture(t, { source: 'libcamera:0' }), { instanceOf: ResourceError, message: /neither rpicam-vid nor libcamera-vid/ });
});

test.serial('gst: the pipeline runs as gst-launch-1.0 argv (quoted values intact, -q), raw caps decoded by ffmpeg', async (t) => {
  const dir = withFakePath(t, '160x120');
  fakeCli(dir, 'gst-launch-1.0');
  const source = `gst:videotestsrc name="my src" is-live=true ! video/x-raw,format=I420,width=160,height=120,framerate=25/1 ! fdsink`;
  const h = await startCapture(t, { source, width: 64, height: 48 });
  const frames = await collect(h.frames, { timeoutMs: 15000, until: (f) => f.length >= 3 });
  t.is(frames.length, 3);
  t.is(frames[2].data.byteLength, 64 * 48 * 3);
  t.deepEqual(args(dir, 'gst-launch-1.0'), ['-q', 'videotestsrc', 'name=my src', 'is-live=true', '!', 'video/x-raw,format=I420,width=160,height=120,framerate=25/1', '!', 'fdsink']);
});

test.serial('auto: the first V4L2 camera node, skipping metadata and codec nodes', (t) => {
  const root = tempDir(t);
  const devDir = path.join(root, 'dev');
  const sysDir = path.join(root, 'sys');
  mkdirSync(devDir);
  const node = (n: number, index: string, name: string) => {
    writeFileSync(path.join(devDir, `video${n}`), '');
    mkdirSync(path.join(sysDir, `video${n}`), { recursive: true });
    writeFileSync(path.join(sysDir, `video${n}`, 'index'), `${index}\n`);
    writeFileSync(path.join(sysDir, `video${n}`, 'name'), `${name}\n`);
  };
  t.is(findV4l2Camera({ devDir, sysDir }), undefined);
  node(10, '0', 'bcm2835-codec-decode');
  node(0, '0', 'unicam-image');
  node(3, '1', 'HD Pro Webcam C920'); // metadata node of the camera
  t.is(findV4l2Camera({ devDir, sysDir }), undefined);
  node(2, '0', 'HD Pro Webcam C920');
  node(12, '0', 'Other cam');
  t.is(findV4l2Camera({ devDir, sysDir }), path.join(devDir, 'video2'));
});

test.serial('auto: a libcamera camera when there is no V4L2 one; else the demo, said loudly in the log', async (t) => {
  const dir = withFakePath(t, '64x48');
  const empty = { devDir: path.join(dir, 'nodev'), sysDir: path.join(dir, 'nosys') };
  const { log, records } = memoryLogger();
  fakeCli(dir, 'rpicam-vid', 'Available cameras\n-----------------\n0 : imx708_wide [4608x2592 10-bit RGGB] (/base/axi/pcie@120000/rp1/i2c@88000/imx708@1a)\n');
  t.deepEqual(await detectSource(new AbortController().signal, log, empty, dir), { kind: 'libcamera', camera: 0 });
  t.deepEqual(args(dir, 'rpicam-vid'), ['--list-cameras']);

  fakeCli(dir, 'rpicam-vid', 'No cameras available!\n');
  t.deepEqual(await detectSource(new AbortController().signal, log, empty, dir), { kind: 'demo' });
  t.deepEqual(await detectSource(new AbortController().signal, log, empty, path.join(dir, 'nothing-here')), { kind: 'demo' });
  t.true(records.some((r) => r.level === 40 && /DEMO slideshow/.test(r.msg)));
});

test.serial('a missing device, file or ffmpeg is a ResourceError naming it (exit 3), not a retry loop', async (t) => {
  await t.throwsAsync(startCapture(t, { source: 'v4l2:/dev/video97' }), { instanceOf: ResourceError, message: 'capture.source v4l2:/dev/video97: no such device' });
  await t.throwsAsync(startCapture(t, { source: 'v4l2:/dev/null' }), { instanceOf: ResourceError, message: /not a video device/ });
  await t.throwsAsync(startCapture(t, { source: 'file:/nonexistent/clip.mp4' }), { instanceOf: ResourceError, message: 'capture.source file:/nonexistent/clip.mp4: no such file' });
  const clipDir = tempDir(t);
  writeFileSync(path.join(clipDir, 'x.mkv'), '');
  await t.throwsAsync(startCapture(t, { source: `file:${clipDir}/x.mkv`, ffmpegPath: '/opt/nowhere/ffmpeg' }), {
    instanceOf: ResourceError,
    message: 'capture.ffmpegPath /opt/nowhere/ffmpeg is not an executable file',
  });
});
