import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuiltModels, MODELS_DIR } from '../../build/convert/support/models.ts';
import type { ExecutionContext } from 'ava';
import type { Manifest } from '../../../src/inference/runtime/manifest.ts';

export { ensureBuiltModels, MODELS_DIR };

/** A collecting logger with the pino call shape the runtime uses. */
export function memoryLog() {
  const lines: Array<{ level: string; msg: string; obj: Record<string, unknown> }> = [];
  const at = (level: string) => (obj: object, msg: string) => void lines.push({ level, msg, obj: obj as Record<string, unknown> });
  return { lines, info: at('info'), warn: at('warn'), debug: at('debug') };
}

/** A scratch models folder holding a copy of one built model and its manifest, which a test may then break. */
export async function scratchModel(name = 'emotion'): Promise<{ dir: string; onnx: string; manifest: string; json: Manifest; cleanup: () => Promise<void> }> {
  await ensureBuiltModels();
  const dir = await mkdtemp(join(tmpdir(), 'glance-models-'));
  const onnx = join(dir, `${name}.onnx`);
  const manifest = join(dir, `${name}.json`);
  await copyFile(join(MODELS_DIR, `${name}.onnx`), onnx);
  await copyFile(join(MODELS_DIR, `${name}.json`), manifest);
  const json = JSON.parse(await readFile(manifest, 'utf8')) as Manifest;
  return { dir, onnx, manifest, json, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** scratchModel for one test: the folder is removed when the test ends. */
export async function scratchModelFor(t: ExecutionContext, name = 'emotion'): ReturnType<typeof scratchModel> {
  const s = await scratchModel(name);
  t.teardown(s.cleanup);
  return s;
}

export async function writeManifest(file: string, m: unknown): Promise<void> {
  await writeFile(file, JSON.stringify(m, null, 2));
}
