import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { convertTfjs, CONVERTER_VERSION, OPSET } from '../convert/convert.ts';
import { readFaceApiModel } from '../convert/faceapi/reader.ts';
import { readTfjsModel, type TfjsModel } from '../convert/tfjs-reader.ts';
import { BUILTIN_MODELS, HUMAN_PACKAGE, type BuiltinModel } from './builtin.ts';
import { sha256Bytes, sha256File } from '../../inference/runtime/hash.ts';
import { withLock } from './lock.ts';
import { formatManifest, validateManifest, type Manifest } from '../../inference/runtime/manifest.ts';

/**
 * `glance models build`: converts the built-in models (builtin.ts) into `<modelsDir>/<name>.onnx` and
 * writes their manifests. Idempotent: a model is skipped when its manifest records the current
 * source hashes, converter version and the hash of the .onnx file that is there.
 */
export interface BuildLog {
  info(obj: object, msg: string): void;
  debug?(obj: object, msg: string): void;
}

export interface BuildOptions {
  modelsDir: string;
  /** Rebuild even when the hashes match. */
  force?: boolean;
  log?: BuildLog;
  /** Where @vladmandic/human is installed (default: found from this project). */
  humanDir?: string;
  /** Where other source packages are installed, by package name (default: found from this project). */
  packageDirs?: Record<string, string>;
  /** Build only these models (default: all of them). */
  only?: readonly string[];
}

export interface BuildResult {
  name: string;
  status: 'built' | 'up-to-date';
  file: string;
  bytes: number;
  sha256: string;
  ms: number;
  /** TF op counts of the source graph (built models only). */
  tfOps?: Record<string, number>;
}

const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** An installed package's folder, searched the way Node resolves packages; null if absent. */
export function findPackage(name: string, from = PROJECT_ROOT): string | null {
  let dir = resolve(from);
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** The installed @vladmandic/human package folder; null if absent. */
export function findHumanPackage(from = PROJECT_ROOT): string | null {
  return findPackage(HUMAN_PACKAGE, from);
}

export async function buildModels(opts: BuildOptions): Promise<BuildResult[]> {
  const dirs: Record<string, string | null> = { ...opts.packageDirs, [HUMAN_PACKAGE]: opts.humanDir ?? opts.packageDirs?.[HUMAN_PACKAGE] ?? findHumanPackage() };
  const wanted = BUILTIN_MODELS.filter((m) => !opts.only || opts.only.includes(m.name));
  const sources = wanted.map((spec) => {
    const dir = (dirs[spec.package] ??= findPackage(spec.package));
    if (!dir) throw new Error(`${spec.package} is not installed: run npm ci (it provides the source of the ${spec.name} model)`);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string };
    return { spec, dir, version: pkg.version };
  });
  const modelsDir = resolve(opts.modelsDir);
  await mkdir(join(modelsDir, '.build'), { recursive: true });
  return withLock(join(modelsDir, '.build', 'build.lock'), async () => {
    const results: BuildResult[] = [];
    for (const s of sources) results.push(await buildOne(s.spec, s.dir, s.version, modelsDir, opts));
    return results;
  });
}

/** The source as a TFJS graph model, whatever its format. */
async function readSource(spec: BuiltinModel, file: string): Promise<TfjsModel> {
  return spec.format === 'faceapi-weights' ? readFaceApiModel(file) : readTfjsModel(file);
}

async function buildOne(spec: BuiltinModel, packageDir: string, version: string, modelsDir: string, opts: BuildOptions): Promise<BuildResult> {
  const t0 = performance.now();
  const modelJson = join(packageDir, spec.source);
  const onnxFile = join(modelsDir, `${spec.name}.onnx`);
  const manifestFile = join(modelsDir, `${spec.name}.json`);
  const sources = await sourceHashes(packageDir, modelJson);
  const previous = readPreviousManifest(manifestFile);

  if (!opts.force && previous && upToDate(previous, sources, version)) {
    const actual = await sha256File(onnxFile);
    if (actual && actual === previous.output?.sha256) {
      opts.log?.debug?.({ model: spec.name }, 'model up to date');
      return { name: spec.name, status: 'up-to-date', file: onnxFile, bytes: previous.output.bytes, sha256: actual, ms: performance.now() - t0 };
    }
  }

  const model = await readSource(spec, modelJson);
  const placeholder = model.nodes.find((n) => n.op === 'Placeholder');
  const outputNames = Object.fromEntries(Object.entries(spec.outputs).map(([tf, o]) => [tf, o.name]));
  const result = convertTfjs(model, {
    inputNames: placeholder ? { [placeholder.name]: 'input' } : {},
    outputNames,
    // A synthesised face-api graph has no signature; TFJS graph models keep their signature's order.
    ...(spec.format === 'faceapi-weights' ? { outputs: Object.keys(spec.outputs) } : {}),
    docString: `${spec.manifest.description}. Converted by Glance from ${spec.package}@${version}/${spec.source}.`,
    metadata: { source: `${spec.package}@${version}/${spec.source}`, converter: `glance-tfjs2onnx ${CONVERTER_VERSION}` },
  });
  const sha256 = sha256Bytes(result.bytes);
  await atomicWrite(onnxFile, result.bytes, modelsDir);

  const input = result.inputs[0];
  const manifest: Manifest = {
    name: spec.name,
    description: spec.manifest.description,
    task: spec.manifest.task,
    decoder: spec.manifest.decoder,
    file: `${spec.name}.onnx`,
    input: { name: input.name, layout: 'NHWC', shape: input.shape ?? [], ...spec.manifest.input },
    outputs: result.outputs.map((o) => {
      const meta = Object.values(spec.outputs).find((x) => x.name === o.name);
      return { name: o.name, shape: o.shape ?? [], meaning: meta?.meaning ?? `TF tensor ${o.tfName}`, ...(meta?.labelled ? { labelled: true } : {}) };
    }),
    ...(spec.manifest.labels ? { labels: spec.manifest.labels } : {}),
    licence: spec.manifest.licence,
    provenance: {
      upstream: spec.manifest.upstream,
      package: spec.package,
      version,
      path: spec.source,
      sources,
      converter: { name: 'glance-tfjs2onnx', version: CONVERTER_VERSION, opset: OPSET },
    },
    output: { sha256, bytes: result.bytes.length },
    ...(spec.manifest.accuracy ? { accuracy: spec.manifest.accuracy } : {}),
  };
  validateManifest(manifest, manifestFile);
  const text = formatManifest(manifest);
  // Leave an identical committed manifest untouched (no mtime churn in the working tree).
  if (!existsSync(manifestFile) || (await readFile(manifestFile, 'utf8')) !== text) await atomicWrite(manifestFile, text, modelsDir);
  const ms = performance.now() - t0;
  opts.log?.info({ model: spec.name, bytes: result.bytes.length, ms: Math.round(ms), ops: result.tfOps }, 'model built');
  return { name: spec.name, status: 'built', file: onnxFile, bytes: result.bytes.length, sha256, ms, tfOps: result.tfOps };
}

/** sha256 of model.json (or a face-api weights manifest) and each weight shard it lists, keyed by path inside the package. */
async function sourceHashes(packageDir: string, modelJson: string): Promise<Record<string, string>> {
  const json = JSON.parse(await readFile(modelJson, 'utf8')) as { weightsManifest?: Array<{ paths: string[] }> } | Array<{ paths: string[] }>;
  const groups = Array.isArray(json) ? json : (json.weightsManifest ?? []);
  const files = [modelJson, ...groups.flatMap((g) => g.paths.map((p) => resolve(dirname(modelJson), p)))];
  const out: Record<string, string> = {};
  for (const f of files) out[relative(packageDir, f)] = (await sha256File(f)) ?? '';
  return out;
}

function readPreviousManifest(file: string): Manifest | null {
  try {
    return validateManifest(JSON.parse(readFileSync(file, 'utf8')), file);
  } catch {
    return null;
  }
}

function upToDate(m: Manifest, sources: Record<string, string>, version: string): boolean {
  const p = m.provenance;
  if (p.version !== version || p.converter?.version !== CONVERTER_VERSION || !p.sources) return false;
  const a = Object.entries(p.sources).sort();
  const b = Object.entries(sources).sort();
  return a.length === b.length && a.every(([k, v], i) => k === b[i][0] && v === b[i][1]);
}

/** Write to a temp file in the same file system, then rename: readers never see half a model. */
async function atomicWrite(file: string, data: Uint8Array | string, modelsDir: string): Promise<void> {
  const tmp = join(modelsDir, '.build', `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.tmp`);
  await writeFile(tmp, data);
  await rename(tmp, file);
}
