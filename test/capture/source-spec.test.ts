import test from 'ava';
import { describeSource, parseSourceSpec, splitArgs } from '../../src/capture/source-spec.ts';
import { maskCredentials } from '../../src/config/mask.ts';
import { ConfigError } from '../../src/core/errors.ts';

test('every documented source form parses to what it names', (t) => {
  const cwd = '/srv/glance';
  t.deepEqual(parseSourceSpec('auto', cwd), { kind: 'auto' });
  t.deepEqual(parseSourceSpec(' demo ', cwd), { kind: 'demo' });
  t.deepEqual(parseSourceSpec('v4l2:/dev/video2', cwd), { kind: 'v4l2', device: '/dev/video2' });
  t.deepEqual(parseSourceSpec('v4l2:/dev/v4l/by-id/usb-Logitech_C920-video-index0', cwd), { kind: 'v4l2', device: '/dev/v4l/by-id/usb-Logitech_C920-video-index0' });
  t.deepEqual(parseSourceSpec('v4l2:1', cwd), { kind: 'v4l2', device: '/dev/video1' });
  t.deepEqual(parseSourceSpec('libcamera:1', cwd), { kind: 'libcamera', camera: 1 });
  t.deepEqual(parseSourceSpec('libcamera:', cwd), { kind: 'libcamera', camera: 0 });
  t.deepEqual(parseSourceSpec('rtsp://cam.local:554/stream1', cwd), { kind: 'rtsp', url: 'rtsp://cam.local:554/stream1' });
  t.deepEqual(parseSourceSpec('rtsps://u:p@10.0.0.5/h264', cwd), { kind: 'rtsp', url: 'rtsps://u:p@10.0.0.5/h264' });
  t.deepEqual(parseSourceSpec('http://10.0.0.9/video.mjpg', cwd), { kind: 'http', url: 'http://10.0.0.9/video.mjpg' });
  t.deepEqual(parseSourceSpec('https://cam.example/mjpeg', cwd), { kind: 'http', url: 'https://cam.example/mjpeg' });
  t.deepEqual(parseSourceSpec('file:clips/shop.mp4', cwd), { kind: 'file', path: '/srv/glance/clips/shop.mp4' });
  t.deepEqual(parseSourceSpec('file:/data/a:b.mp4', cwd), { kind: 'file', path: '/data/a:b.mp4' });
  t.deepEqual(parseSourceSpec('file:///data/my%20clip.mp4', cwd), { kind: 'file', path: '/data/my clip.mp4' });
  t.deepEqual(parseSourceSpec('images:/srv/pictures', cwd), { kind: 'images', dir: '/srv/pictures' });
});

test('gst: the pipeline is split like a shell would split words and quotes, with nothing run by a shell', (t) => {
  const spec = parseSourceSpec(`gst:filesrc location="my clip.mp4" ! decodebin ! videoconvert ! 'video/x-raw(memory:NVMM)' ! nvvidconv ! video/x-raw,format=(string)I420,width=1280,height=720,framerate=30/1 ! fdsink`);
  if (spec.kind !== 'gst') return t.fail();
  t.deepEqual(spec.argv, [
    'filesrc',
    'location=my clip.mp4',
    '!',
    'decodebin',
    '!',
    'videoconvert',
    '!',
    'video/x-raw(memory:NVMM)',
    '!',
    'nvvidconv',
    '!',
    'video/x-raw,format=(string)I420,width=1280,height=720,framerate=30/1',
    '!',
    'fdsink',
  ]);
  t.deepEqual(spec.raw, { pixFmt: 'yuv420p', width: 1280, height: 720, framerate: '30/1' });

  const muxed = parseSourceSpec('gst:nvarguscamerasrc ! nvvidconv ! x264enc ! matroskamux ! fdsink fd=1');
  t.true(muxed.kind === 'gst' && muxed.raw === undefined, 'a muxed stream is left to ffmpeg to probe');
  t.deepEqual(splitArgs(`a "b \\"c\\" $HOME" 'd $(rm -rf /)' e\\ f`), ['a', 'b "c" $HOME', 'd $(rm -rf /)', 'e f']);
});

test('a bad source string is a ConfigError that names the value and says what is expected', (t) => {
  const cases: Array<[string, RegExp]> = [
    ['webcam', /"webcam": unknown source; expected one of auto, demo, v4l2/],
    ['v4l2:video0', /"v4l2:video0": expected v4l2:\/dev\/videoN/],
    ['libcamera:front', /"libcamera:front": expected libcamera:N/],
    ['rtsp://', /"rtsp:\/\/": the URL has no host/],
    ['http://[::1', /not a valid URL/],
    ['http://cam/my stream', /white space/],
    ['file:', /expected file:PATH/],
    ['images:', /expected images:DIR/],
    ['gst:videotestsrc ! autovideosink', /must end in fdsink/],
    ['gst:videotestsrc ! fdsink fd=2', /fd=1/],
    ['gst:videotestsrc ! video/x-raw,format=I420 ! fdsink', /needs format, width and height/],
    ['gst:videotestsrc ! video/x-raw,format=P010_10LE,width=8,height=8 ! fdsink', /P010_10LE is not supported/],
    ['gst:filesrc location="oops ! fdsink', /unterminated double quote/],
  ];
  for (const [value, message] of cases) {
    const err = t.throws(() => parseSourceSpec(value), { instanceOf: ConfigError }, value);
    t.regex(err?.message ?? '', /^capture\.source /);
    t.regex(err?.message ?? '', message, value);
  }
});

test('passwords in URLs are masked wherever they appear', (t) => {
  t.is(maskCredentials('rtsp://admin:hunter2@10.0.0.5/live'), 'rtsp://admin:***@10.0.0.5/live');
  t.is(maskCredentials('[rtsp @ 0x1] rtsp://a:b@h/x: 401 and http://c:d@e/'), '[rtsp @ 0x1] rtsp://a:***@h/x: 401 and http://c:***@e/');
  t.is(maskCredentials('rtsp://10.0.0.5/live'), 'rtsp://10.0.0.5/live');
  t.is(describeSource(parseSourceSpec('rtsp://admin:hunter2@10.0.0.5/live')), 'rtsp://admin:***@10.0.0.5/live');
  const err = t.throws(() => parseSourceSpec('rtsp://admin:hunter2@'));
  t.false(err?.message.includes('hunter2'));
});

test('the description of a gst pipeline or a URL with a token masks every credential, also when the pipeline is shortened', (t) => {
  const gst = describeSource(parseSourceSpec('gst:rtspsrc location=rtsp://admin:hunter2@10.0.0.5:554/live user-pw="two words" latency=0 ! rtph264depay ! h264parse ! avdec_h264 ! fdsink'));
  t.true(gst.startsWith('gst:rtspsrc location=rtsp://admin:***@10.0.0.5:554/live user-pw=*** latency=0 '), gst);
  t.true(gst.endsWith('...') && gst.length === 84, 'long pipelines are still shortened');
  t.notRegex(gst, /hunter2|two|words/);
  // Shortened before masking, this one would end in "rtsp://u:hun", with no @ left to find the password by.
  const cut = describeSource(parseSourceSpec(`gst:${'queue ! '.repeat(6)}rtspsrc location=rtsp://u:hunter2@cam/x ! fdsink`));
  t.true(cut.endsWith('...'));
  t.notRegex(cut, /hun/);
  t.is(describeSource(parseSourceSpec('http://cam/video.mjpg?token=hunter2')), 'http://cam/video.mjpg?token=***');
});

test('CaptureStage.start rejects a bad source with that ConfigError (exit code 2) before launching anything', async (t) => {
  const { startCapture } = await import('./helpers.ts');
  await t.throwsAsync(startCapture(t, { source: 'webcam0' }), { instanceOf: ConfigError, message: /^capture\.source "webcam0": unknown source/ });
});
