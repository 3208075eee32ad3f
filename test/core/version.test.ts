import test from 'ava';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { glanceVersion } from '../../src/core/version.ts';
import { repoRoot, runGlance } from '../helpers/process.ts';

const packageVersion = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

test('glanceVersion is the package.json version, and glance --version prints it', async (t) => {
  t.regex(packageVersion, /^\d+\.\d+\.\d+/);
  t.is(glanceVersion(), packageVersion);
  const r = await runGlance(['--version']);
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout.trim(), packageVersion);
});
