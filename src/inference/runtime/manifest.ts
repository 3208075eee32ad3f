import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ResourceError } from '../../core/errors.ts';

/**
 * A model manifest (`models/<name>.json`): everything Glance needs to feed a model, decode it and
 * account for where it came from. Built-in models get theirs from `glance models build`; a user's
 * own ONNX model needs one written by hand (see docs/models.md and models/examples/).
 */

const Dim = Type.Union([Type.Integer({ minimum: -1 }), Type.String({ minLength: 1 })], {
  description: 'a fixed size, or a symbolic name for a dynamic dimension',
});

export const ManifestInput = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'input tensor name in the ONNX graph' }),
    layout: Type.Union([Type.Literal('NHWC'), Type.Literal('NCHW')]),
    shape: Type.Array(Dim, { minItems: 4, maxItems: 4, description: 'in layout order, e.g. ["batch", 256, 256, 3]' }),
    width: Type.Integer({ minimum: 1, description: 'width the pre-processing resizes to' }),
    height: Type.Integer({ minimum: 1 }),
    colour: Type.Union([Type.Literal('rgb'), Type.Literal('bgr'), Type.Literal('gray')], { description: 'channel order' }),
    mean: Type.Array(Type.Number(), { minItems: 1, maxItems: 3, description: 'value = (pixel 0..255 − mean) / std, per channel' }),
    std: Type.Array(Type.Number({ exclusiveMinimum: 0 }), { minItems: 1, maxItems: 3 }),
    note: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const ManifestOutput = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    shape: Type.Array(Dim, { description: 'dimensions; symbolic names where the model leaves them open' }),
    meaning: Type.String({ minLength: 1 }),
    labelled: Type.Optional(Type.Boolean({ description: 'its last dimension indexes `labels`' })),
  },
  { additionalProperties: false },
);

const Sha256 = Type.String({ pattern: '^[0-9a-f]{64}$' });

export const Manifest = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    name: Type.String({ minLength: 1, pattern: '^[A-Za-z0-9_.-]+$' }),
    description: Type.Optional(Type.String()),
    task: Type.Union([Type.Literal('face-detector'), Type.Literal('face-landmarks'), Type.Literal('emotion'), Type.Literal('age-gender')]),
    decoder: Type.String({ minLength: 1, description: 'decoder family: blazeface, yunet, ultraface, facemesh, fer-emotion, faceres, faceapi-age-gender' }),
    file: Type.String({ minLength: 1, description: 'the .onnx file, relative to this manifest' }),
    input: ManifestInput,
    outputs: Type.Array(ManifestOutput, { minItems: 1 }),
    labels: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })),
    crop: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'crop side relative to the face reference size' })),
    licence: Type.Object(
      {
        spdx: Type.String({ minLength: 1 }),
        source: Type.String({ minLength: 1, description: 'where the licence is stated' }),
        note: Type.Optional(Type.String()),
      },
      { additionalProperties: false },
    ),
    provenance: Type.Object(
      {
        upstream: Type.Optional(Type.String({ description: 'where the model was trained / first published' })),
        package: Type.Optional(Type.String({ description: 'npm package it is built from' })),
        version: Type.Optional(Type.String()),
        path: Type.Optional(Type.String({ description: 'model.json path inside the package' })),
        sources: Type.Optional(Type.Record(Type.String(), Sha256, { description: 'sha256 of each source file, by path inside the package' })),
        converter: Type.Optional(Type.Object({ name: Type.String(), version: Type.String(), opset: Type.Integer() }, { additionalProperties: false })),
        obtainedFrom: Type.Optional(Type.String({ description: 'for a drop-in model: where the .onnx file comes from' })),
      },
      { additionalProperties: false },
    ),
    output: Type.Optional(Type.Object({ sha256: Sha256, bytes: Type.Integer({ minimum: 1 }) }, { additionalProperties: false, description: 'the .onnx file as built or published' })),
    accuracy: Type.Optional(Type.Array(Type.Object({ metric: Type.String(), value: Type.Number(), dataset: Type.String(), source: Type.String() }, { additionalProperties: false }))),
  },
  { additionalProperties: false },
);
export type Manifest = Static<typeof Manifest>;

/** Validates parsed JSON; every problem is reported with its path. */
export function validateManifest(raw: unknown, file: string): Manifest {
  if (Value.Check(Manifest, raw)) return checkConsistency(raw, file);
  const problems = [...Value.Errors(Manifest, raw)].map((e) => `${e.path || '(top level)'}: ${e.message}`);
  throw new ResourceError(`model manifest ${file} is invalid:\n  ${[...new Set(problems)].join('\n  ')}`);
}

/** Rules the schema cannot express. */
function checkConsistency(m: Manifest, file: string): Manifest {
  const problems: string[] = [];
  const channels = m.input.colour === 'gray' ? 1 : 3;
  const c = m.input.layout === 'NHWC' ? m.input.shape[3] : m.input.shape[1];
  if (typeof c === 'number' && c !== channels) problems.push(`/input/shape: ${c} channels, but colour "${m.input.colour}" has ${channels}`);
  if (m.input.mean.length !== m.input.std.length) problems.push('/input: mean and std need the same number of values');
  if (m.input.mean.length !== 1 && m.input.mean.length !== channels) problems.push(`/input/mean: needs 1 or ${channels} values`);
  if (m.outputs.some((o) => o.labelled) && !m.labels) problems.push('/labels: an output is marked labelled but there are no labels');
  const names = m.outputs.map((o) => o.name);
  if (new Set(names).size !== names.length) problems.push('/outputs: duplicate output names');
  if (problems.length) throw new ResourceError(`model manifest ${file} is invalid:\n  ${problems.join('\n  ')}`);
  return m;
}

/** Reads and validates a manifest file. */
export function loadManifest(file: string): Manifest {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new ResourceError(`model manifest ${file}: ${e.code === 'ENOENT' ? 'file not found' : e.message}`, { cause: err });
  }
  return validateManifest(raw, file);
}

/** Absolute path of the manifest's .onnx file. */
export function modelFileOf(manifest: Manifest, manifestFile: string): string {
  return isAbsolute(manifest.file) ? manifest.file : resolve(dirname(manifestFile), manifest.file);
}

/**
 * A model as the runtime opens it: the .onnx file, and its validated manifest unless it is a bare
 * `family:model.onnx` drop-in. The runtime needs nothing else, so it stays free of decoder families.
 */
export interface ModelSource {
  /** Manifest name (or file stem for a bare .onnx). */
  name: string;
  /** Absolute path of the .onnx file. */
  file: string;
  /** The validated manifest; absent for a bare `family:model.onnx` reference. */
  manifest?: Manifest;
  /** The file the manifest was read from, named in mismatch errors; present exactly when `manifest` is. */
  manifestFile?: string;
}

export interface ManifestSource extends ModelSource {
  manifest: Manifest;
  manifestFile: string;
}

/** The source of a manifest-described model; the manifest is read from its file unless the caller already has it. */
export function manifestSource(manifestFile: string, manifest: Manifest = loadManifest(manifestFile)): ManifestSource {
  return { name: manifest.name, file: modelFileOf(manifest, manifestFile), manifest, manifestFile };
}

/** Writes a manifest as stable, diff-friendly JSON (2-space indent, short numeric arrays on one line). */
export function formatManifest(m: Manifest): string {
  const text = JSON.stringify(m, null, 2);
  // Collapse arrays of numbers/short strings onto one line: shapes, mean/std, labels.
  return `${text.replace(/\[\s+((?:(?:-?[\d.e+-]+|"[^"\n]{0,24}"),?\s+)+)\]/g, (_, body: string) => `[${body.trim().split(/,\s+/).join(', ')}]`)}\n`;
}
