import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { startCapture, tempDir, type Harness } from './helpers.ts';
import { waitFor } from '../helpers/wait.ts';

/**
 * A stand-in gst-launch-1.0 on PATH (the real one is rarely installed on a test box) that fails the
 * way GStreamer does: quoting its pipeline, credentials included, on stderr.
 */
function fakeGstLaunch(dir: string): void {
  const file = path.join(dir, 'gst-launch-1.0');
  writeFileSync(file, '#!/bin/sh\necho "ERROR: pipeline could not be constructed: $*" >&2\nexit 1\n');
  chmodSync(file, 0o755);
  process.env.PATH = `${dir}${path.delimiter}${process.env.PATH ?? ''}`;
}

function assertNothingLeaks(t: ExecutionContext, h: Harness): void {
  const launched = h.records.find((r) => r.msg === 'capture source launched');
  t.truthy(launched, 'the launch was logged');
  t.regex(String(launched!.source), /\*\*\*/, 'with its credentials masked');
  t.true(
    h.records.some((r) => r.msg === 'capture source says'),
    'the source complained on stderr, and that was logged',
  );
  t.notRegex(JSON.stringify(h.records), /s3cret/, 'no log line carries a credential');
  t.notRegex(JSON.stringify(h.health.snapshot()), /s3cret/, 'the health probe carries none');
}

test('a gst pipeline with a password in its location URL and in user-pw: logs and health show neither', async (t) => {
  fakeGstLaunch(tempDir(t, 'glance-fake-gst-'));
  const h = await startCapture(t, {
    source: 'gst:rtspsrc location=rtsp://cam:url-s3cret@127.0.0.1:1/live user-id=cam user-pw=prop-s3cret ! decodebin ! videoconvert ! fdsink',
    backoffInitialMs: 100,
    backoffMaxMs: 200,
  });
  await waitFor('a failed run', () => h.capture().restarts >= 1 && h.records.some((r) => r.msg === 'capture source says'), 20_000);
  t.regex(h.capture().source, /^gst:rtspsrc location=rtsp:\/\/cam:\*\*\*@127\.0\.0\.1:1\/live user-id=cam user-pw=\*\*\* /);
  assertNothingLeaks(t, h);
});

test('an http source with a token in its query: logs (ffmpeg quotes the URL) and health show no token', async (t) => {
  const h = await startCapture(t, { source: 'http://127.0.0.1:1/video.mjpg?token=query-s3cret', backoffInitialMs: 100, backoffMaxMs: 200 });
  await waitFor('a refused connection', () => h.capture().restarts >= 1 && h.records.some((r) => r.msg === 'capture source says'), 20_000);
  t.is(h.capture().source, 'http://127.0.0.1:1/video.mjpg?token=***');
  assertNothingLeaks(t, h);
});
