import test from 'ava';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { renderExampleConfig } from '../../src/config/example.ts';
import { parseConfig } from '../../src/config/load.ts';
import { repoRoot } from '../helpers/process.ts';
import { runGlance } from '../helpers/process.ts';

const examplePath = path.join(repoRoot, 'config/glance.example.yaml');

test('the committed example config is the one generated from the schema (regenerate: glance config example)', (t) => {
  t.is(readFileSync(examplePath, 'utf8'), renderExampleConfig());
});

test('the example config is valid and equals the defaults', (t) => {
  t.deepEqual(parseConfig(readFileSync(examplePath, 'utf8')), parseConfig(''));
});

test('glance config check: exit 0 on the example, 2 naming both bad paths, 2 with the YAML line', async (t) => {
  const ok = await runGlance(['config', 'check', examplePath]);
  t.is(ok.code, 0, ok.stderr);
  t.regex(ok.stdout, /kAnonymity: 5/);

  const bad = path.join(repoRoot, 'test-output');
  const fs = await import('node:fs');
  fs.mkdirSync(bad, { recursive: true });
  const badFile = path.join(bad, 'bad-config.yaml');
  fs.writeFileSync(badFile, 'capture:\n  fps: fast\n  bogus: 1\n');
  const r = await runGlance(['config', 'check', badFile]);
  t.is(r.code, 2);
  t.regex(r.stderr, /capture\.bogus \(line 3\): unknown key/);
  t.regex(r.stderr, /capture\.fps \(line 2\)/);

  const syntax = path.join(bad, 'syntax-config.yaml');
  fs.writeFileSync(syntax, 'capture:\n  fps: 10\n   source: demo\n');
  const s = await runGlance(['config', 'check', syntax]);
  t.is(s.code, 2);
  t.regex(s.stderr, /syntax-config\.yaml:[23]:\d+: YAML syntax error/);

  const secret = path.join(bad, 'secret-config.yaml');
  fs.writeFileSync(secret, 'mqtt:\n  password: hunter2\n');
  const m = await runGlance(['config', 'check', secret]);
  t.is(m.code, 0);
  t.false(m.stdout.includes('hunter2'));
});

test('glance --help, --version and an unknown command', async (t) => {
  const help = await runGlance(['--help']);
  t.is(help.code, 0);
  t.regex(help.stdout, /run/);
  const version = await runGlance(['--version']);
  t.is(version.code, 0);
  t.regex(version.stdout, /^\d+\.\d+\.\d+/);
  const unknown = await runGlance(['frobnicate']);
  t.is(unknown.code, 2);
});
