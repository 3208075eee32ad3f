import test from 'ava';
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { waitFor } from '../helpers/wait.ts';
import { collect, ffmpegBin, startCapture } from './helpers.ts';
import { RtspRelay } from './rtsp-relay.ts';

test('rtsp: a stream published on loopback is received over TCP, after retrying while it was not there yet; the password never shows', async (t) => {
  const relay = new RtspRelay();
  const port = await relay.listen();
  t.teardown(() => relay.close());

  // The capture starts first, as a box booting before its camera would: DESCRIBE gets 404, it retries.
  const h = await startCapture(t, { source: `rtsp://viewer:s3cret-pw@127.0.0.1:${port}/live`, width: 64, height: 48, backoffInitialMs: 200, backoffMaxMs: 400 });
  await waitFor('a failed first attempt', () => h.capture().restarts >= 1, 10000);

  const publisher = spawn(
    ffmpegBin(),
    ['-hide_banner', '-v', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc2=s=160x120:r=25', '-c:v', 'mpeg4', '-g', '10', '-f', 'rtsp', '-rtsp_transport', 'tcp', `rtsp://127.0.0.1:${port}/live`],
    { stdio: 'ignore' },
  );
  t.teardown(() => void publisher.kill('SIGKILL'));
  await waitFor('the publisher', () => relay.publishing, 10000);

  const frames = await collect(h.frames, { timeoutMs: 20000, until: (f) => f.length >= 10 });
  t.is(frames.length, 10);
  for (const f of frames) t.is(f.data.byteLength, 64 * 48 * 3);
  t.true(new Set(frames[frames.length - 1].data).size > 10, 'a picture, not a blank frame');
  t.is(h.capture().state, 'streaming');

  const health = JSON.stringify(h.health.snapshot());
  const logs = JSON.stringify(h.records);
  t.regex(health, /rtsp:\/\/viewer:\*\*\*@127\.0\.0\.1/);
  t.false(health.includes('s3cret-pw'), 'health hides the password');
  t.false(logs.includes('s3cret-pw'), 'logs hide the password (ffmpeg quotes the URL in its errors)');
  t.true(
    h.records.some((r) => r.msg === 'capture source says' && /404/.test(String(r.line))),
    'the 404 of the early attempt was logged',
  );
});

test('http: an MJPEG (multipart/x-mixed-replace) stream on loopback is received', async (t) => {
  const colours = [
    { r: 255, g: 0, b: 0 },
    { r: 0, g: 0, b: 255 },
  ];
  const jpegs = await Promise.all(
    colours.map((c) =>
      sharp({ create: { width: 160, height: 120, channels: 3, background: c } })
        .jpeg()
        .toBuffer(),
    ),
  );
  const server = http.createServer((req, res) => {
    if (req.url !== '/video.mjpg') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'multipart/x-mixed-replace; boundary=glanceframe', 'Cache-Control': 'no-cache' });
    let n = 0;
    const timer = setInterval(() => {
      const jpeg = jpegs[Math.floor(n++ / 5) % 2];
      res.write(`--glanceframe\r\nContent-Type: image/jpeg\r\nContent-Length: ${jpeg.length}\r\n\r\n`);
      res.write(jpeg);
      res.write('\r\n');
    }, 40);
    res.on('close', () => clearInterval(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    server.closeAllConnections();
    server.close();
  });
  const { port } = server.address() as AddressInfo;

  const h = await startCapture(t, { source: `http://127.0.0.1:${port}/video.mjpg`, width: 64, height: 48 });
  const frames = await collect(h.frames, { timeoutMs: 15000, until: (f) => f.length >= 15 });
  t.is(frames.length, 15);
  const centre = (f: (typeof frames)[number]) => f.data.subarray((24 * 64 + 32) * 3, (24 * 64 + 32) * 3 + 3);
  const seen = new Set(frames.map((f) => (centre(f)[0] > centre(f)[2] ? 'red' : 'blue')));
  t.deepEqual([...seen].sort(), ['blue', 'red'], 'both pictures of the stream came through');
});
