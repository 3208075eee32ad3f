import test from 'ava';
import { Command } from 'commander';
import { readFile, writeFile } from 'node:fs/promises';
import { registerModelsCommands } from '../../../src/cli/models.ts';
import { ensureBuiltModels, MODELS_DIR, scratchModelFor } from './support.ts';

/** `glance models …` in-process, through commander, with output captured. */

async function glance(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const program = new Command('glance').option('-c, --config <file>').exitOverride();
  registerModelsCommands(program, { out: (s) => void (out += s), err: (s) => void (err += s) });
  const before = process.exitCode;
  await program.parseAsync(args, { from: 'user' });
  const code = typeof process.exitCode === 'number' ? process.exitCode : 0;
  process.exitCode = before;
  return { code, out, err };
}

test.before(async () => {
  await ensureBuiltModels();
});

test('models list shows the built models on cpu and why GPU providers were skipped', async (t) => {
  const r = await glance('models', 'list', '--models-dir', MODELS_DIR);
  t.is(r.code, 0, r.err);
  const lines = r.out.split('\n');
  t.regex(lines[0], /^name\s+task\s+provider\s+size\s+source\s+licence$/);
  for (const [name, task] of [
    ['blazeface', 'face-detector'],
    ['emotion', 'emotion'],
    ['facemesh', 'face-landmarks'],
    ['faceres', 'age-gender'],
  ]) {
    t.regex(r.out, new RegExp(`^${name}\\s+${task}\\s+cpu\\s+[\\d.]+ MB\\s+@vladmandic/human@3\\.3\\.6/models/${name}\\.json\\s+MIT$`, 'm'));
  }
  t.regex(r.out, /^agegender\s+age-gender\s+cpu\s+[\d.]+ MB\s+@vladmandic\/face-api@1\.7\.15\/model\/age_gender_model-weights_manifest\.json\s+MIT$/m);
  t.regex(r.out, /skipped execution providers:\n {2}tensorrt: .*libonnxruntime_providers_tensorrt\.so not installed/);
  t.regex(r.out, /\n {2}cuda: .*libonnxruntime_providers_cuda\.so not installed/);
});

test('models verify passes on the built models', async (t) => {
  const r = await glance('models', 'verify', '--models-dir', MODELS_DIR);
  t.is(r.code, 0, r.out + r.err);
  for (const name of ['blazeface', 'emotion', 'facemesh', 'faceres', 'agegender']) t.regex(r.out, new RegExp(`^ok {3}${name}$`, 'm'));
  t.regex(r.out, /✓ source sha256: 2 files match/);
  t.notRegex(r.out, /✗/);
});

test('models verify fails (exit 3) on a damaged model and says why', async (t) => {
  const s = await scratchModelFor(t);
  const bytes = await readFile(s.onnx);
  bytes[bytes.length - 10] ^= 1;
  await writeFile(s.onnx, bytes);
  const r = await glance('models', 'verify', '--models-dir', s.dir, '--json');
  t.is(r.code, 3);
  const [report] = JSON.parse(r.out);
  t.false(report.ok);
  t.deepEqual(
    report.checks.map((c: { check: string; ok: boolean }) => [c.check, c.ok]),
    [
      ['onnx sha256', false],
      ['source sha256', true],
      ['load + inference', false],
    ],
  );
});

test('models verify on an empty folder is a failure, not a silent pass', async (t) => {
  const s = await scratchModelFor(t);
  const r = await glance('models', 'verify', '--models-dir', `${s.dir}/nothing-here`);
  t.is(r.code, 3);
  t.regex(r.out, /no model manifests/);
});

test('models bench reports a median per batch size', async (t) => {
  const s = await scratchModelFor(t);
  const r = await glance('models', 'bench', '--models-dir', s.dir, '--runs', '3', '--batch', '1,2', '--json');
  t.is(r.code, 0, r.err);
  const rows = JSON.parse(r.out) as Array<{ model: string; provider: string; batch: number; medianMs: number; runs: number }>;
  t.deepEqual(
    rows.map((x) => [x.model, x.provider, x.batch, x.runs]),
    [
      ['emotion', 'cpu', 1, 3],
      ['emotion', 'cpu', 2, 3],
    ],
  );
  t.true(rows.every((x) => x.medianMs > 0));
  const bad = await glance('models', 'bench', '--models-dir', s.dir, '--runs', 'zero');
  t.is(bad.code, 2);
});

test('models build --if-sources is quiet without the source package; without the flag it is an error', async (t) => {
  const quiet = await glance('models', 'build', '--if-sources', '--from', '/nonexistent/human');
  t.deepEqual(quiet, { code: 0, out: '', err: '' });
  const loud = await glance('models', 'build', '--from', '/nonexistent/human');
  t.is(loud.code, 3);
  t.regex(loud.err, /@vladmandic\/human is not installed in \/nonexistent\/human/);
});
