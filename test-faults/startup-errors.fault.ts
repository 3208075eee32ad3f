import { chmodSync, cpSync, mkdirSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { repoRoot, runGlance } from '../test/helpers/process.ts';
import { tempDir } from './daemon.ts';

/** The first output line naming `needle`, for the printed figure (JSON log lines: their msg). */
function lineNaming(out: string, needle: string): string {
  const line = out.split('\n').find((l) => l.includes(needle)) ?? '';
  try {
    const j = JSON.parse(line) as { msg?: string; err?: { message?: string } };
    return (j.err?.message ?? j.msg ?? line).slice(0, 200);
  } catch {
    return line.slice(0, 200);
  }
}

/** Runs the daemon with `yaml` as its config file; it must exit on its own. */
async function run(_t: Parameters<typeof tempDir>[0], dir: string, yaml: string) {
  const config = path.join(dir, 'glance.yaml');
  writeFileSync(config, yaml);
  const r = await runGlance(['run', '--config', config], { GLANCE_CONFIG: '' }, 90_000);
  return { ...r, config, out: r.stdout + r.stderr };
}

const base = (dir: string) => `capture: { source: demo }\nmqtt: { enabled: false }\ndashboard: { port: 0 }\nstorage: { dataDir: "${path.join(dir, 'data')}" }\n`;

test('corrupt config (invalid YAML): exit 2, message names the file', async (t) => {
  const dir = tempDir(t);
  const r = await run(t, dir, 'capture: { source: demo\nmqtt: [ : :\n');
  t.is(r.code, 2, r.out);
  t.true(r.out.includes(r.config), `names ${r.config}:\n${r.out}`);
  console.log(`corrupt config: exit ${r.code}: ${r.stderr.trim().split('\n')[0]}`);
});

test('corrupt model (truncated .onnx): exit 3, message names the file', async (t) => {
  const dir = tempDir(t);
  const models = path.join(dir, 'models');
  cpSync(path.join(repoRoot, 'models'), models, { recursive: true });
  const onnx = path.join(models, 'emotion.onnx');
  truncateSync(onnx, 1000);
  const r = await run(t, dir, `${base(dir)}inference: { modelsDir: "${models}", providers: [cpu] }\n`);
  t.is(r.code, 3, r.out);
  t.true(r.out.includes('emotion.onnx'), `names the model file:\n${r.out}`);
  console.log(`corrupt model: exit ${r.code}: ${lineNaming(r.out, 'emotion.onnx')}`);
});

test('unwritable data directory: exit 3, message names the directory', async (t) => {
  const dir = tempDir(t);
  const data = path.join(dir, 'data');
  mkdirSync(data);
  chmodSync(data, 0o500);
  t.teardown(() => chmodSync(data, 0o700));
  if (process.getuid?.() === 0) {
    // root ignores permission bits: a data directory path that is a file is unwritable for root too.
    writeFileSync(path.join(dir, 'datafile'), 'not a directory');
  }
  const target = process.getuid?.() === 0 ? path.join(dir, 'datafile') : data;
  const r = await run(t, dir, base(dir).replace(`"${data}"`, `"${target}"`));
  t.is(r.code, 3, r.out);
  t.true(r.out.includes(target), `names ${target}:\n${r.out}`);
  console.log(`unwritable data directory: exit ${r.code}: ${lineNaming(r.out, target)}`);
});
