import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { parseTfjsArtifacts, TfjsFormatError, type TfjsModel, type TfjsModelJson } from '../tfjs-reader.ts';
import { AGE_GENDER_OUTPUTS, ageGenderGraph } from './age-gender-graph.ts';

/**
 * Reads a face-api weights-only model (`<name>-weights_manifest.json` plus its shards) and pairs it
 * with the architecture written down in this folder, giving the converter an ordinary TFJS graph
 * model. Only architectures Glance knows are accepted, by manifest file name.
 */
const ARCHITECTURES: Record<string, { graph: typeof ageGenderGraph; outputs: Record<string, string> }> = {
  age_gender_model: { graph: ageGenderGraph, outputs: AGE_GENDER_OUTPUTS },
};

export function faceApiArchitectures(): string[] {
  return Object.keys(ARCHITECTURES);
}

export async function readFaceApiModel(manifestPath: string): Promise<TfjsModel & { files: string[]; outputs: Record<string, string> }> {
  const name = basename(manifestPath).replace(/-weights_manifest\.json$/i, '');
  const arch = ARCHITECTURES[name];
  if (!arch) throw new TfjsFormatError(`${manifestPath}: no face-api architecture known for "${name}" (known: ${faceApiArchitectures().join(', ')})`);
  const text = await readFile(manifestPath, 'utf8');
  let manifest: TfjsModelJson['weightsManifest'];
  try {
    manifest = JSON.parse(text) as TfjsModelJson['weightsManifest'];
  } catch (err) {
    throw new TfjsFormatError(`${manifestPath}: not valid JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(manifest)) throw new TfjsFormatError(`${manifestPath}: a face-api weights manifest is a JSON array of {paths, weights} groups`);
  const files = [manifestPath];
  const parts: Uint8Array[] = [];
  for (const group of manifest) {
    for (const p of group.paths) {
      const file = resolve(dirname(manifestPath), p);
      files.push(file);
      parts.push(await readFile(file));
    }
  }
  const { json, constants } = arch.graph(manifest);
  const model = parseTfjsArtifacts(json, Buffer.concat(parts), name);
  for (const [cname, data] of constants) model.weights.set(cname, { name: cname, dtype: 'int32', shape: [data.length], data, storedAs: 'int32' });
  return { ...model, files, outputs: arch.outputs };
}
