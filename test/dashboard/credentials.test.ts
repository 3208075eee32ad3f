import test from 'ava';
import { CaptureStage } from '../../src/capture/stage.ts';
import { Mailbox } from '../../src/core/mailbox.ts';
import type { Frame } from '../../src/core/types.ts';
import { captureLogger, harness } from './helpers.ts';

test('/api/health: the capture source in the health message has its credentials masked', async (t) => {
  // A camera that refuses the connection: ffmpeg fails, quoting the URL, and capture retries.
  const h = await harness('capture: { source: "http://127.0.0.1:1/video.mjpg?user=cam&password=query-s3cret", backoffInitialMs: 100, backoffMaxMs: 200 }');
  t.teardown(h.close);
  // The real capture stage on the dashboard's health registry, as app.ts wires them.
  const frames = new Mailbox<Frame>();
  const { log, lines } = captureLogger();
  const capture = new CaptureStage({ config: h.config.capture, log, frames, health: h.health });
  t.teardown(async () => {
    await capture.stop();
    frames.close();
  });
  await capture.start(new AbortController().signal);
  // Once it has failed, its last error (ffmpeg's, which quotes the URL) is in the message too.
  for (const end = Date.now() + 20_000; capture.health().restarts < 1 && Date.now() < end; ) await new Promise((r) => setTimeout(r, 50));
  t.truthy(capture.health().lastError, 'a failed run was reported');
  const res = await h.app.inject('/api/health');
  t.is(res.statusCode, 200);
  t.is(res.json().probes.capture.source, 'http://127.0.0.1:1/video.mjpg?user=cam&password=***');
  t.notRegex(res.body, /s3cret/);
  t.notRegex(h.logs() + lines(), /s3cret/, 'nor do the logs');
});

test('/api/config: gst source text and a URL with an empty user name are masked', async (t) => {
  const h = await harness(
    ['capture: { source: "gst:rtspsrc location=rtsp://cam:gst-s3cret@10.0.0.5/live user-pw=prop-s3cret ! decodebin ! videoconvert ! fdsink" }', 'mqtt: { url: "mqtts://:empty-user-s3cret@broker.example:8883" }'].join(
      '\n',
    ),
  );
  t.teardown(h.close);
  const res = await h.app.inject('/api/config');
  t.is(res.statusCode, 200);
  t.notRegex(res.body, /s3cret/);
  const body = res.json();
  t.is(body.mqtt.url, 'mqtts://:***@broker.example:8883');
  t.is(body.capture.source, 'gst:rtspsrc location=rtsp://cam:***@10.0.0.5/live user-pw=*** ! decodebin ! videoconvert ! fdsink');
});
