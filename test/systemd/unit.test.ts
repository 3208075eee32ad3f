import test from 'ava';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../helpers/process.ts';

const unitPath = path.join(repoRoot, 'systemd/glance.service');
const unit = readFileSync(unitPath, 'utf8');
const directives = (key: string) =>
  unit
    .split('\n')
    .filter((l) => l.startsWith(`${key}=`))
    .map((l) => l.slice(key.length + 1));

const hasAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0;

(hasAnalyze ? test : test.skip)('systemd-analyze verify accepts the unit', (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'glance-unit-'));
  copyFileSync(unitPath, path.join(dir, 'glance.service'));
  const r = spawnSync('systemd-analyze', ['verify', '--man=no', 'glance.service'], { cwd: dir, encoding: 'utf8' });
  // verify prints problems on stderr even when it exits 0 for some classes of warnings.
  const problems = r.stderr.split('\n').filter((l) => l.includes('glance.service') && !/Cannot add dependency job|Failed to load/.test(l));
  t.is(r.status, 0, r.stderr);
  t.deepEqual(problems, []);
});
if (!hasAnalyze) console.log('skipped systemd-analyze verify: systemd-analyze not installed (apt-get install systemd)');

test('the unit is a hardened notify service with a watchdog, restart policy and camera-only devices', (t) => {
  t.deepEqual(directives('Type'), ['notify']);
  t.truthy(directives('WatchdogSec')[0]);
  t.deepEqual(directives('Restart'), ['on-failure']);
  t.deepEqual(directives('ProtectSystem'), ['strict']);
  for (const key of ['ProtectHome', 'PrivateTmp', 'NoNewPrivileges']) t.deepEqual(directives(key), ['yes'], key);
  t.deepEqual(directives('StateDirectory'), ['glance']);
  t.deepEqual(directives('ConfigurationDirectory'), ['glance']);
  t.deepEqual(directives('DevicePolicy'), ['closed']);
  t.true(directives('DeviceAllow').includes('char-video4linux rw'));
  t.true(directives('SupplementaryGroups')[0].split(' ').includes('video'));
  t.truthy(directives('MemoryMax')[0]);
  t.true(directives('LoadCredential').length >= 2);
  // The daemon's data dir must be the StateDirectory, or ProtectSystem=strict makes it read-only.
  t.true(directives('Environment').includes('GLANCE_STORAGE__DATA_DIR=/var/lib/glance'));
});

test('install and uninstall scripts are valid shell and refuse unknown options', (t) => {
  for (const script of ['scripts/install.sh', 'scripts/uninstall.sh']) {
    t.notThrows(() => execFileSync('bash', ['-n', path.join(repoRoot, script)]), script);
    const r = spawnSync('bash', [path.join(repoRoot, script), '--bogus'], { encoding: 'utf8' });
    t.is(r.status, 2, script);
    t.regex(r.stderr, /unknown option --bogus/);
  }
});
