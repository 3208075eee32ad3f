import { existsSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { GlanceConfig } from '../../config/schema.ts';
import { runtimeSettings } from '../../config/inference.ts';
import type { CheckResult } from './check.ts';
import { ffmpegInfo } from '../../capture/executables.ts';
import { loadOnnxRuntime } from '../../inference/runtime/onnxruntime.ts';
import { precheckProvider } from '../../inference/runtime/providers.ts';
import { listManifests } from '../../build/models/inventory.ts';
import { verifyModel } from '../../build/models/verify.ts';
import { DB_FILE } from '../../telemetry/store/open-database.ts';

export async function checkFfmpeg(config: GlanceConfig): Promise<CheckResult> {
  const info = await ffmpegInfo(config.capture.ffmpegPath);
  return { name: 'ffmpeg', status: 'ok', detail: `${info.path} (${info.origin}, libavformat ${info.lavf.join('.')})` };
}

/** Which execution providers this onnxruntime build can use, and why the others are skipped. */
export async function checkProviders(config: GlanceConfig): Promise<CheckResult> {
  const rt = loadOnnxRuntime({ onnxruntimePath: config.inference.onnxruntimePath });
  const usable: string[] = [];
  const skipped: string[] = [];
  for (const provider of config.inference.providers) {
    const reason = precheckProvider(rt, provider);
    if (reason) skipped.push(`${provider}: ${reason}`);
    else usable.push(provider);
  }
  return {
    name: 'providers',
    status: usable.length > 0 ? 'ok' : 'fail',
    detail: `usable ${usable.join(', ') || 'none'} (onnxruntime from ${rt.origin})${skipped.length ? `; skipped ${skipped.join('; ')}` : ''}`,
  };
}

/** `glance models verify` for each manifest the pipeline uses: hashes and one inference. */
export async function checkModels(config: GlanceConfig): Promise<CheckResult[]> {
  const c = config.inference;
  const wanted = new Set([c.detector, c.landmarks, c.ageGender, ...(config.privacy.emotion ? [c.emotion] : [])]);
  const entries = listManifests(c.modelsDir).filter((e) => wanted.has(e.name));
  const results: CheckResult[] = [];
  for (const name of wanted) {
    const e = entries.find((x) => x.name === name);
    if (!e) {
      results.push({ name: `model ${name}`, status: 'fail', detail: `no manifest ${name}.json in ${c.modelsDir} (run glance models build)` });
      continue;
    }
    if (!e.manifest) {
      results.push({ name: `model ${name}`, status: 'fail', detail: e.error.message });
      continue;
    }
    const report = await verifyModel(e.file, e.manifest, runtimeSettings(c));
    const failed = report.checks.filter((x) => !x.ok);
    results.push({
      name: `model ${name}`,
      status: report.ok ? 'ok' : 'fail',
      detail: report.ok ? `verified on ${report.provider ?? 'cpu'}` : failed.map((f) => `${f.check}: ${f.detail}`).join('; '),
    });
  }
  return results;
}

/** PRAGMA integrity_check on the aggregate database, opened read-only so a running daemon is not disturbed. */
export async function checkDatabase(config: GlanceConfig): Promise<CheckResult> {
  const file = path.join(config.storage.dataDir, DB_FILE);
  if (!existsSync(file)) return { name: 'database', status: 'ok', detail: `${file} not created yet` };
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    db.pragma('user_version');
  } catch (err) {
    return { name: 'database', status: 'fail', detail: `${file}: ${(err as Error).message}` };
  }
  try {
    const rows = db.pragma('integrity_check') as Array<{ integrity_check: string }>;
    const ok = rows.length === 1 && rows[0].integrity_check === 'ok';
    const version = db.pragma('user_version', { simple: true });
    return { name: 'database', status: ok ? 'ok' : 'fail', detail: `${file} schema v${version}: ${rows.map((r) => r.integrity_check).join('; ')}` };
  } finally {
    db.close();
  }
}
