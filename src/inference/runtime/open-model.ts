import type { ModelSource } from './manifest.ts';
import { OpenedModel } from './opened-model.ts';
import type { Provider } from './providers.ts';
import { createSession, type RuntimeSettings, type SessionLog } from './session.ts';
import { warmUp } from './warmup.ts';
import { ResourceError } from '../../core/errors.ts';

/**
 * A bare file is a quick comparison of a drop-in, not a deployment: it stays on the CPU, as it
 * always has, so the comparison does not hinge on which GPU libraries this machine has.
 */
const BARE_FILE_PROVIDERS: readonly Provider[] = ['cpu'];

/**
 * The one way to open a model, for the daemon, the CLI, the tools and the tests. With a manifest:
 * the manifest checked against the model, execution providers tried in the configured order (each
 * skip logged with its reason), and one warm-up run. A bare `family:model.onnx` has no manifest to
 * check or warm up against, so it is opened as it is. Every failure is a ResourceError naming the
 * file (the daemon exits 3).
 */
export async function openModel<S extends ModelSource>(source: S, settings: RuntimeSettings = {}, log?: SessionLog): Promise<OpenedModel<S>> {
  const { manifest, manifestFile, file } = source;
  if (!manifest) {
    const created = await createSession(file, null, { ...settings, providers: BARE_FILE_PROVIDERS }, log);
    return new OpenedModel(source, created, {});
  }
  const created = await createSession(file, manifest, { ...settings, manifestFile }, log);
  try {
    const shapes = await warmUp(created.runtime.ort, created.session, manifest, { model: file, manifest: manifestFile ?? `${manifest.name}.json` });
    return new OpenedModel(source, created, shapes);
  } catch (err) {
    await created.session.release().catch(() => undefined);
    if (err instanceof ResourceError) throw err;
    throw new ResourceError(`model ${file}: warm-up inference failed: ${(err as Error).message}`, { cause: err });
  }
}
