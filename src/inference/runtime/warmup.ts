import type { InferenceSession } from 'onnxruntime-node';
import type { Manifest } from './manifest.ts';
import type { Ort } from './onnxruntime.ts';
import { checkOutputsAgainstLabels } from './validate.ts';

/**
 * One inference on zeros, so the first real frame does not pay for lazy initialisation (and the
 * daemon reports ready only once models really run). It also checks what only a run can show:
 * that labelled outputs have one value per label. Returns the output shapes.
 */
export async function warmUp(ort: Ort, session: InferenceSession, manifest: Manifest, files: { model: string; manifest: string }, batch = 1): Promise<Record<string, number[]>> {
  const dims = inputDims(manifest, batch);
  const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
  const out = await session.run({ [manifest.input.name]: new ort.Tensor('float32', data, dims) });
  const shapes: Record<string, { dims: readonly number[] }> = {};
  for (const [name, t] of Object.entries(out)) shapes[name] = { dims: t.dims };
  checkOutputsAgainstLabels(shapes, manifest, files.model, files.manifest);
  return Object.fromEntries(Object.entries(shapes).map(([k, v]) => [k, [...v.dims]]));
}

/** Concrete input dimensions: the manifest's shape with dynamic sizes filled from batch, width, height. */
export function inputDims(manifest: Manifest, batch = 1): number[] {
  const { shape, layout, width, height, colour } = manifest.input;
  const filled = layout === 'NHWC' ? [batch, height, width, colour === 'gray' ? 1 : 3] : [batch, colour === 'gray' ? 1 : 3, height, width];
  return shape.map((d, i) => (i === 0 ? batch : typeof d === 'number' && d > 0 ? d : filled[i]));
}
