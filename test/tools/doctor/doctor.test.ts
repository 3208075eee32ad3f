import test from 'ava';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runGlance } from '../../helpers/process.ts';
import { runChecks } from '../../../src/tools/doctor/check.ts';

function tempConfig(extra: string) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'glance-doctor-'));
  const file = path.join(dir, 'glance.yaml');
  writeFileSync(file, `storage:\n  dataDir: ${path.join(dir, 'data')}\nmqtt:\n  embedded:\n    port: 0\ndashboard:\n  port: 0\n${extra}`);
  return { dir, file };
}

test('glance doctor passes on this box and prints one line per check', async (t) => {
  const { file } = tempConfig('');
  const r = await runGlance(['doctor', '--config', file, '--json'], {}, 120000);
  const results = JSON.parse(r.stdout) as Array<{ name: string; status: string; detail: string }>;
  const names = results.map((x) => x.name);
  for (const n of ['node', 'ffmpeg', 'cameras', 'providers', 'model blazeface', 'disk space', 'database', 'clock']) t.true(names.includes(n), n);
  t.is(results.find((x) => x.name === 'providers')!.detail.includes('usable cpu'), true);
  t.deepEqual(
    results.filter((x) => x.status === 'fail'),
    [],
  );
  t.is(r.code, 0, r.stderr);
});

test('glance doctor fails naming the problem: a corrupt database and a models dir without models', async (t) => {
  const { dir, file } = tempConfig(`inference:\n  modelsDir: ${path.join(os.tmpdir(), 'no-such-models')}\n`);
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  writeFileSync(path.join(dir, 'data', 'glance.db'), 'this is not a database');
  const r = await runGlance(['doctor', '--config', file], {}, 120000);
  t.is(r.code, 1);
  t.regex(r.stdout, /FAIL\s+model blazeface\s+no manifest blazeface\.json/);
  t.regex(r.stdout, /FAIL\s+database/);
});

test('a check that throws or hangs becomes a failure line, not a crash', async (t) => {
  const results = await runChecks(
    [
      async function boom() {
        throw new Error('exploded');
      },
      () => new Promise(() => {}),
    ],
    200,
  );
  t.deepEqual(
    results.map((r) => [r.status, r.detail]),
    [
      ['fail', 'exploded'],
      ['fail', 'timed out after 200 ms'],
    ],
  );
});
