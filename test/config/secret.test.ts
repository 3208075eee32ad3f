import test from 'ava';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveSecret } from '../../src/config/secret.ts';
import { parseConfig } from '../../src/config/load.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'glance-secret-'));

test('a secret from a file drops the trailing newline', (t) => {
  const file = path.join(dir, 'pw');
  writeFileSync(file, 's3cret\n');
  const c = parseConfig(`mqtt:\n  password: {file: ${file}}\n`);
  t.is(resolveSecret(c.mqtt.password), 's3cret');
});

test('a secret from systemd credentials reads $CREDENTIALS_DIRECTORY/NAME', (t) => {
  writeFileSync(path.join(dir, 'dashboard-token'), 'tok-123');
  const c = parseConfig('dashboard:\n  token: {credential: dashboard-token}\n');
  t.is(resolveSecret(c.dashboard.token, { CREDENTIALS_DIRECTORY: dir }), 'tok-123');
  t.throws(() => resolveSecret(c.dashboard.token, {}), { message: /CREDENTIALS_DIRECTORY/ });
});

test('an unreadable secret file is a clear error naming the file', (t) => {
  t.throws(() => resolveSecret({ file: path.join(dir, 'nope') }), { message: /cannot read secret file .*nope: ENOENT/ });
});

test('a credential name cannot escape the credentials directory', (t) => {
  t.throws(() => parseConfig('dashboard:\n  token: {credential: ../../etc/passwd}\n'));
});
