import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { findPackage } from './build.ts';
import { sha256File } from '../../inference/runtime/hash.ts';
import { manifestSource, modelFileOf, type Manifest } from '../../inference/runtime/manifest.ts';
import { openModel } from '../../inference/runtime/open-model.ts';
import type { RuntimeSettings, SessionLog } from '../../inference/runtime/session.ts';

/**
 * `glance models verify` for one manifest: the .onnx hash against the manifest, the source hashes
 * against the installed package (built-in models), then a real session with the manifest checks
 * and one inference on zeros.
 */
export interface Check {
  check: string;
  ok: boolean;
  detail: string;
}

export interface VerifyReport {
  name: string;
  ok: boolean;
  provider?: string;
  checks: Check[];
}

export async function verifyModel(manifestFile: string, manifest: Manifest, config: RuntimeSettings, log?: SessionLog): Promise<VerifyReport> {
  const checks: Check[] = [];
  const modelFile = modelFileOf(manifest, manifestFile);
  const actual = await sha256File(modelFile);
  if (!actual) checks.push({ check: 'onnx sha256', ok: false, detail: `${modelFile} is missing` });
  else if (manifest.output) {
    const ok = actual === manifest.output.sha256;
    checks.push({ check: 'onnx sha256', ok, detail: ok ? actual : `${actual}, manifest records ${manifest.output.sha256}` });
  } else {
    checks.push({ check: 'onnx sha256', ok: true, detail: `${actual} (manifest records none)` });
  }

  const p = manifest.provenance;
  if (p.sources && p.package) {
    const dir = findPackage(p.package);
    if (!dir) {
      checks.push({ check: 'source sha256', ok: true, detail: `${p.package} not installed: sources not checked` });
    } else {
      const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { version: string };
      const bad: string[] = [];
      for (const [path, sha] of Object.entries(p.sources)) {
        const got = await sha256File(resolve(dir, path));
        if (got !== sha) bad.push(`${path}: ${got ?? 'missing'}`);
      }
      const versionNote = pkg.version === p.version ? '' : ` (installed ${pkg.version}, built from ${p.version})`;
      checks.push({
        check: 'source sha256',
        ok: bad.length === 0,
        detail: bad.length ? `changed since the build${versionNote}: ${bad.join('; ')} (run \`glance models build\`)` : `${Object.keys(p.sources).length} files match`,
      });
    }
  }

  let provider: string | undefined;
  try {
    const opened = await openModel(manifestSource(manifestFile, manifest), config, log);
    provider = opened.provider;
    const shapes = Object.entries(opened.warmUpShapes)
      .map(([k, v]) => `${k}[${v.join('×')}]`)
      .join(' ');
    checks.push({ check: 'load + inference', ok: true, detail: `${opened.provider}: ${shapes}` });
    await opened.close();
  } catch (err) {
    checks.push({ check: 'load + inference', ok: false, detail: (err as Error).message });
  }
  return { name: manifest.name, ok: checks.every((c) => c.ok), provider, checks };
}
