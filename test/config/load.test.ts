import test from 'ava';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseConfig, loadConfig, envNameFor } from '../../src/config/load.ts';
import { maskSecrets } from '../../src/config/mask.ts';
import { ConfigError } from '../../src/core/errors.ts';

test('empty config gives every default', (t) => {
  const c = parseConfig('');
  t.is(c.capture.source, 'auto');
  t.is(c.privacy.kAnonymity, 5);
  t.is(c.privacy.retentionDays, 90);
  t.is(c.dashboard.host, '127.0.0.1');
  t.is(c.shutdownTimeoutMs, 10000);
});

test('unknown key and wrong type are both reported, with paths and lines', (t) => {
  const err = t.throws(() => parseConfig('capture:\n  fps: fast\n  colour: red\nmqtt:\n  prefix: glance\n'), {
    instanceOf: ConfigError,
  });
  t.true(
    err.problems.some((p) => p.startsWith('capture.colour (line 3): unknown key')),
    err.message,
  );
  t.true(
    err.problems.some((p) => p.startsWith('capture.fps (line 2)')),
    err.message,
  );
  t.is(err.problems.length, 2, err.message);
});

test('unknown top-level section is an error', (t) => {
  const err = t.throws(() => parseConfig('cameras: {}\n'), { instanceOf: ConfigError });
  t.regex(err.message, /cameras.*unknown key/);
});

test('YAML syntax error names the line', (t) => {
  const err = t.throws(() => parseConfig('capture:\n  fps: 10\n  source: [demo\n', {}, 'x.yaml'), { instanceOf: ConfigError });
  t.regex(err.message, /x\.yaml:\d+:\d+: YAML syntax error/);
  t.regex(err.problems[0], /^x\.yaml:(3|4):/);
});

test('env overrides are derived from the schema and typed', (t) => {
  const c = parseConfig('capture:\n  fps: 10\n', {
    GLANCE_CAPTURE__FPS: '12.5',
    GLANCE_CAPTURE__STALL_TIMEOUT_MS: '2000',
    GLANCE_PRIVACY__EMOTION: 'false',
    GLANCE_INFERENCE__PROVIDERS: '["cpu"]',
    GLANCE_MQTT__EMBEDDED__PORT: '1999',
    GLANCE_SHUTDOWN_TIMEOUT_MS: '500',
  });
  t.is(c.capture.fps, 12.5);
  t.is(c.capture.stallTimeoutMs, 2000);
  t.false(c.privacy.emotion);
  t.deepEqual(c.inference.providers, ['cpu']);
  t.is(c.mqtt.embedded.port, 1999);
  t.is(c.shutdownTimeoutMs, 500);
  t.is(envNameFor(['capture', 'stallTimeoutMs']), 'GLANCE_CAPTURE__STALL_TIMEOUT_MS');
});

test('a bad or unknown env override is an error naming the variable', (t) => {
  const err = t.throws(() => parseConfig('', { GLANCE_CAPTURE__FRAMERATE: '3', GLANCE_CAPTURE__FPS: 'x' }), { instanceOf: ConfigError });
  t.true(
    err.problems.some((p) => p.includes('GLANCE_CAPTURE__FRAMERATE')),
    err.message,
  );
  t.true(
    err.problems.some((p) => p.startsWith('capture.fps')),
    err.message,
  );
});

test('config lookup: explicit file, then $GLANCE_CONFIG', (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'glance-cfg-'));
  const a = path.join(dir, 'a.yaml');
  const b = path.join(dir, 'b.yaml');
  writeFileSync(a, 'device:\n  id: from-a\n');
  writeFileSync(b, 'device:\n  id: from-b\n');
  t.is(loadConfig(a, { GLANCE_CONFIG: b }).config.device.id, 'from-a');
  t.is(loadConfig(undefined, { GLANCE_CONFIG: b }).config.device.id, 'from-b');
  t.throws(() => loadConfig(path.join(dir, 'missing.yaml'), {}), { instanceOf: ConfigError, message: /missing\.yaml/ });
});

test('secrets are masked for display, references are kept', (t) => {
  const c = parseConfig('mqtt:\n  url: mqtts://user:hunter2@broker:8883\n  password: hunter2\ndashboard:\n  token: {file: /run/secret}\n');
  const text = JSON.stringify(maskSecrets(c));
  t.false(text.includes('hunter2'));
  t.true(text.includes('/run/secret'));
});
