import { readFile, stat } from 'node:fs/promises';
import { ProtoError, readFields } from './protobuf-reader.ts';
import type { Manifest } from './manifest.ts';
import { sha256Bytes } from './hash.ts';
import { ResourceError } from '../../core/errors.ts';

/**
 * Checks that turn a bad model into a clear ResourceError naming the file and the problem,
 * before and after onnxruntime opens it: missing, empty, truncated or corrupt files; a manifest
 * whose inputs or outputs are not the model's; outputs that do not match the declared labels.
 */

type Dim = number | string;

/** Reads the .onnx file and checks its protobuf structure; returns the bytes for onnxruntime. */
export async function readModelFile(file: string, manifest?: Manifest | null): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    const st = await stat(file);
    if (!st.isFile()) throw new ResourceError(`model file ${file} is not a file`);
    if (st.size === 0) throw new ResourceError(`model file ${file} is empty (0 bytes)`);
    bytes = await readFile(file);
  } catch (err) {
    if (err instanceof ResourceError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const hint = code === 'ENOENT' ? ' (built-in models are made by `glance models build`)' : '';
    throw new ResourceError(`model file ${file} is ${code === 'ENOENT' ? 'missing' : `unreadable: ${(err as Error).message}`}${hint}`, { cause: err });
  }
  checkOnnxStructure(file, bytes);
  if (manifest?.output) {
    if (bytes.length !== manifest.output.bytes) {
      throw new ResourceError(`model file ${file} has ${bytes.length} bytes but its manifest records ${manifest.output.bytes} (truncated or replaced? run \`glance models build\`)`);
    }
    const sha = sha256Bytes(bytes);
    if (sha !== manifest.output.sha256) {
      throw new ResourceError(`model file ${file} does not match its manifest: sha256 ${sha}, manifest records ${manifest.output.sha256} (run \`glance models build\`)`);
    }
  }
  return bytes;
}

/** A ModelProto must parse as protobuf and hold an IR version, an opset and a graph. */
export function checkOnnxStructure(file: string, bytes: Uint8Array): void {
  let fields;
  try {
    fields = readFields(bytes);
  } catch (err) {
    if (err instanceof ProtoError) throw new ResourceError(`model file ${file} is not a valid ONNX model: ${err.message}`, { cause: err });
    throw err;
  }
  const has = (n: number, wire: number) => fields.some((f) => f.field === n && f.wireType === wire);
  const missing = [
    [1, 0, 'ir_version'],
    [7, 2, 'graph'],
    [8, 2, 'opset_import'],
  ]
    .filter(([n, w]) => !has(n as number, w as number))
    .map(([, , what]) => what);
  if (missing.length) throw new ResourceError(`model file ${file} is not a valid ONNX model: no ${missing.join(', ')} (corrupt, or not an ONNX file)`);
  try {
    readFields(fields.find((f) => f.field === 7)!.bytes!);
  } catch (err) {
    throw new ResourceError(`model file ${file} is not a valid ONNX model: its graph is corrupt: ${(err as Error).message}`, { cause: err });
  }
}

export interface SessionShapes {
  inputNames: readonly string[];
  outputNames: readonly string[];
  inputMetadata: ReadonlyArray<{ name: string; isTensor: boolean; shape?: readonly Dim[] }>;
  outputMetadata: ReadonlyArray<{ name: string; isTensor: boolean; shape?: readonly Dim[] }>;
}

/** Compares the manifest with the input/output names and shapes the model declares. */
export function checkAgainstManifest(session: SessionShapes, manifest: Manifest, modelFile: string, manifestFile: string): void {
  const problems: string[] = [];
  const inp = manifest.input;
  if (!session.inputNames.includes(inp.name)) {
    problems.push(`input "${inp.name}" is not an input of the model (its inputs: ${list(session.inputNames)})`);
  } else {
    const shape = session.inputMetadata.find((m) => m.name === inp.name)?.shape;
    if (shape) {
      const d = dimsDiffer(inp.shape, shape);
      if (d) problems.push(`input "${inp.name}" shape ${fmt(inp.shape)} does not match the model's ${fmt(shape)} (${d})`);
      const [h, w] = inp.layout === 'NHWC' ? [shape[1], shape[2]] : [shape[2], shape[3]];
      if (typeof h === 'number' && h > 0 && h !== inp.height) problems.push(`input height ${inp.height} but the model takes ${h}`);
      if (typeof w === 'number' && w > 0 && w !== inp.width) problems.push(`input width ${inp.width} but the model takes ${w}`);
    }
  }
  for (const out of manifest.outputs) {
    if (!session.outputNames.includes(out.name)) {
      problems.push(`output "${out.name}" is not an output of the model (its outputs: ${list(session.outputNames)})`);
      continue;
    }
    const shape = session.outputMetadata.find((m) => m.name === out.name)?.shape;
    if (shape) {
      const d = dimsDiffer(out.shape, shape);
      if (d) problems.push(`output "${out.name}" shape ${fmt(out.shape)} does not match the model's ${fmt(shape)} (${d})`);
    }
  }
  problems.push(...labelProblems(manifest, (name) => session.outputMetadata.find((m) => m.name === name)?.shape, session.outputNames, false));
  if (problems.length) throw mismatch(modelFile, manifestFile, problems);
}

/** After a real run: labelled outputs must have one value per label. */
export function checkOutputsAgainstLabels(outputs: Record<string, { dims: readonly number[] }>, manifest: Manifest, modelFile: string, manifestFile: string): void {
  const problems = labelProblems(manifest, (name) => outputs[name]?.dims, Object.keys(outputs), true);
  if (problems.length) throw mismatch(modelFile, manifestFile, problems);
}

function labelProblems(manifest: Manifest, shapeOf: (name: string) => readonly Dim[] | undefined, names: readonly string[], final: boolean): string[] {
  const labels = manifest.labels;
  if (!labels) return [];
  const lastOf = (name: string) => {
    const s = shapeOf(name);
    const last = s?.[s.length - 1];
    return typeof last === 'number' && last >= 0 ? last : undefined;
  };
  const labelled = manifest.outputs.filter((o) => o.labelled).map((o) => o.name);
  if (labelled.length > 0) {
    return labelled.flatMap((name) => {
      const last = lastOf(name);
      if (last === undefined) return final ? [`output "${name}" has no fixed last dimension to hold ${labels.length} labels`] : [];
      return last === labels.length ? [] : [`output "${name}" has ${last} values per item but the manifest declares ${labels.length} labels`];
    });
  }
  // No output marked: some output must fit the labels (the decoders pick outputs by size).
  const sizes = names.map(lastOf);
  if (sizes.includes(labels.length) || (!final && sizes.includes(undefined))) return [];
  return [`no output has ${labels.length} values per item for the manifest's ${labels.length} labels (last dimensions: ${sizes.map((s) => s ?? '?').join(', ')})`];
}

/** Why two shapes disagree, or null: ranks must match; fixed sizes must agree (symbolic or −1 matches anything). */
export function dimsDiffer(declared: readonly Dim[], actual: readonly Dim[]): string | null {
  if (declared.length !== actual.length) return `rank ${declared.length} vs ${actual.length}`;
  for (let i = 0; i < declared.length; i++) {
    const a = declared[i];
    const b = actual[i];
    if (typeof a === 'number' && a >= 0 && typeof b === 'number' && b >= 0 && a !== b) return `dimension ${i}: ${a} vs ${b}`;
  }
  return null;
}

function mismatch(modelFile: string, manifestFile: string, problems: string[]): ResourceError {
  return new ResourceError(`model ${modelFile} does not match its manifest ${manifestFile}:\n  ${problems.join('\n  ')}`);
}

const fmt = (s: readonly Dim[]) => `[${s.join(', ')}]`;
const list = (names: readonly string[]) => names.map((n) => `"${n}"`).join(', ');
