import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { parseConfig } from '../../src/config/load.ts';
import { maskCredentials, maskSecrets } from '../../src/config/mask.ts';
import { runGlance } from '../helpers/process.ts';

test('every form of credential in a text is masked; user names, hosts and other parameters stay', (t) => {
  const cases: Array<[string, string]> = [
    ['rtsp://admin:hunter2@10.0.0.5/live', 'rtsp://admin:***@10.0.0.5/live'],
    ['mqtts://:hunter2@broker:8883', 'mqtts://:***@broker:8883'],
    ['rtsp://admin:hun@ter2@cam/live', 'rtsp://admin:***@cam/live'],
    ['rtsp://viewer@cam/live?password=hunter2&channel=1', 'rtsp://viewer@cam/live?password=***&channel=1'],
    ['http://cam/video.mjpg?user=a&pass=hunter2', 'http://cam/video.mjpg?user=a&pass=***'],
    ['wss://broker/mqtt?access_token=hunter2#x', 'wss://broker/mqtt?access_token=***#x'],
    ['gst:rtspsrc location=rtsp://u:hunter2@cam/x user-id=u user-pw=hunter2 ! fdsink', 'gst:rtspsrc location=rtsp://u:***@cam/x user-id=u user-pw=*** ! fdsink'],
    ['gst:souphttpsrc location="https://cam/x?token=hunter2" ! fdsink', 'gst:souphttpsrc location="https://cam/x?token=***" ! fdsink'],
    ['gst:rtspsrc location=rtsp://cam/x proxy-pw="two words" ! fdsink', 'gst:rtspsrc location=rtsp://cam/x proxy-pw=*** ! fdsink'],
    ['[rtsp @ 0x1] rtsp://a:b@h/x: 401 and http://c:d@e/', '[rtsp @ 0x1] rtsp://a:***@h/x: 401 and http://c:***@e/'],
  ];
  for (const [text, masked] of cases) t.is(maskCredentials(text), masked, text);
  // Nothing that is not a credential is touched.
  for (const text of ['rtsp://10.0.0.5:554/live', 'mqtt://127.0.0.1:1883', 'passthrough=true bypass=1 tokenize=2 keyframe=3', '{"url":"mqtt://h","mail":"a@b"}']) {
    t.is(maskCredentials(text), text);
  }
});

const secretConfig = [
  'capture: { source: "gst:rtspsrc location=rtsp://cam:gst-s3cret@10.0.0.5/live user-pw=prop-s3cret ! decodebin ! videoconvert ! fdsink" }',
  'mqtt: { url: "mqtts://:empty-user-s3cret@broker.example:8883" }',
].join('\n');

test('maskSecrets masks credentials in every config string, gst source text and empty-user URLs included', (t) => {
  const masked = maskSecrets(parseConfig(secretConfig)) as { capture: { source: string }; mqtt: { url: string } };
  t.notRegex(JSON.stringify(masked), /s3cret/);
  t.is(masked.mqtt.url, 'mqtts://:***@broker.example:8883');
  t.is(masked.capture.source, 'gst:rtspsrc location=rtsp://cam:***@10.0.0.5/live user-pw=*** ! decodebin ! videoconvert ! fdsink');
});

test('glance config check prints the config with those credentials masked', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'glance-mask-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'glance.yaml');
  writeFileSync(file, `${secretConfig}\n`);
  const r = await runGlance(['config', 'check', file]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /mqtts:\/\/:\*\*\*@broker\.example/);
  t.notRegex(r.stdout + r.stderr, /s3cret/);
});
