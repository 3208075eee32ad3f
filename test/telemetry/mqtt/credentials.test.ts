import test from 'ava';
import { parseConfig } from '../../../src/config/load.ts';
import { CaptureStage } from '../../../src/capture/stage.ts';
import { Mailbox } from '../../../src/core/mailbox.ts';
import type { Frame } from '../../../src/core/types.ts';
import { freePort } from '../../helpers/broker.ts';
import { captureLogger, sleep, startStage, Subscriber } from './harness.ts';

test('the retained MQTT health message shows the capture source with its credentials masked', async (t) => {
  t.timeout(60_000);
  const port = await freePort();
  const h = await startStage(`mqtt: { embedded: { port: ${port} }, healthIntervalS: 1 }`);
  t.teardown(() => h.stop());
  // The real capture stage on the same health registry, as app.ts wires them, on a camera that refuses.
  const { capture: config } = parseConfig('capture: { source: "http://127.0.0.1:1/video.mjpg?user=cam&pass=query-s3cret", backoffInitialMs: 100, backoffMaxMs: 200 }');
  const frames = new Mailbox<Frame>();
  const { log, lines } = captureLogger();
  const capture = new CaptureStage({ config, log, frames, health: h.health });
  t.teardown(async () => {
    await capture.stop();
    frames.close();
  });
  await capture.start(new AbortController().signal);
  for (const end = Date.now() + 20_000; capture.health().restarts < 1 && Date.now() < end; ) await sleep(50);
  t.truthy(capture.health().lastError, 'a failed run (ffmpeg quotes the URL in its error)');
  await sleep(1500); // the next health message carries that

  // A subscriber that connects afterwards gets the retained message.
  const sub = await Subscriber.connect(`mqtt://127.0.0.1:${port}`, ['glance/glance-1/health']);
  t.teardown(() => sub.close());
  await sub.waitFor('retained health', () => sub.messages.length > 0);
  const health = sub.messages[0];
  t.true(health.retain);
  t.is((health.json!.probes as { capture: { source: string } }).capture.source, 'http://127.0.0.1:1/video.mjpg?user=cam&pass=***');
  t.notRegex(health.text, /s3cret/);
  t.notRegex(h.logs() + lines(), /s3cret/);
});
