import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadManifest, type Manifest } from '../../inference/runtime/manifest.ts';

/** The manifests in a models folder (every *.json in it), each loaded or with the reason it failed. */
export type InventoryEntry = { file: string; name: string; manifest: Manifest; error?: undefined } | { file: string; name: string; manifest?: undefined; error: Error };

export function listManifests(dir: string): InventoryEntry[] {
  const abs = resolve(dir);
  let names: string[];
  try {
    names = readdirSync(abs)
      .filter((f) => f.endsWith('.json'))
      .sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return names.map((f) => {
    const file = join(abs, f);
    const name = f.slice(0, -'.json'.length);
    try {
      return { file, name, manifest: loadManifest(file) };
    } catch (err) {
      return { file, name, error: err as Error };
    }
  });
}

/** Where a model came from, in one line. */
export function sourceOf(m: Manifest): string {
  const p = m.provenance;
  if (p.package) return `${p.package}@${p.version ?? '?'}/${p.path ?? ''}`;
  return p.obtainedFrom ?? p.upstream ?? 'unknown';
}
