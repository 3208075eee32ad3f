import type { InferenceSession } from 'onnxruntime-node';
import type { Manifest } from './manifest.ts';
import { loadOnnxRuntime, type RuntimeLocation } from './onnxruntime.ts';
import { DEFAULT_PROVIDERS, precheckProvider, type Provider } from './providers.ts';
import { checkAgainstManifest, readModelFile } from './validate.ts';
import { ResourceError } from '../../core/errors.ts';

/**
 * One onnxruntime session per model. Execution providers are tried one at a time in the
 * configured order, because onnxruntime-node throws when a provider cannot load instead of
 * falling back. Each skipped provider's reason is logged once per process (not once per model).
 */
export interface SessionOptions {
  providers?: readonly Provider[];
  /** 0 or undefined: onnxruntime's default. */
  intraOpThreads?: number;
  interOpThreads?: number;
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  /** onnxruntime's CPU memory arena and memory pattern (default off: see inference.memoryArena). */
  memoryArena?: boolean;
  onnxruntimePath?: string;
  /** The manifest's own path, named in mismatch errors. */
  manifestFile?: string;
}

/** The session settings that come from configuration (inference.*), the same for every model. */
export type RuntimeSettings = Omit<SessionOptions, 'manifestFile'>;

export interface SkippedProvider {
  provider: Provider;
  reason: string;
}

export interface CreatedSession {
  session: InferenceSession;
  provider: Provider;
  skipped: SkippedProvider[];
  runtime: RuntimeLocation;
}

export interface SessionLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  debug?(obj: object, msg: string): void;
}

const reported = new Set<string>();

export async function createSession(modelPath: string, manifest: Manifest | null, opts: SessionOptions = {}, log?: SessionLog): Promise<CreatedSession> {
  const runtime = loadOnnxRuntime({ onnxruntimePath: opts.onnxruntimePath });
  const bytes = await readModelFile(modelPath, manifest);
  const providers = opts.providers?.length ? opts.providers : DEFAULT_PROVIDERS;
  const skipped: SkippedProvider[] = [];
  const model = manifest?.name ?? modelPath;
  for (const provider of providers) {
    const reason = precheckProvider(runtime, provider);
    if (reason) {
      skip(skipped, provider, reason, model, log);
      continue;
    }
    let session: InferenceSession;
    try {
      session = await runtime.ort.InferenceSession.create(bytes, sessionOptions(provider, opts));
    } catch (err) {
      const message = firstLine(err);
      if (provider === 'cpu' || providers.indexOf(provider) === providers.length - 1) {
        // The last resort failed too: the model itself is the problem (the bytes passed the structure check).
        throw new ResourceError(`model file ${modelPath} cannot be loaded by onnxruntime (${provider}): ${message}`, { cause: err });
      }
      skip(skipped, provider, message, model, log);
      continue;
    }
    if (manifest) {
      try {
        checkAgainstManifest(session, manifest, modelPath, opts.manifestFile ?? `${manifest.name}.json`);
      } catch (err) {
        await session.release().catch(() => undefined);
        throw err;
      }
    }
    log?.info({ model, provider, skipped: skipped.map((s) => s.provider) }, 'model session ready');
    return { session, provider, skipped, runtime };
  }
  throw new ResourceError(`model file ${modelPath}: no execution provider could load it (tried ${providers.join(', ')}): ${skipped.map((s) => `${s.provider}: ${s.reason}`).join('; ')}`);
}

/**
 * The one place session options are built. onnxruntime-node rejects keys set to undefined, so
 * thread counts are only present when configured.
 */
function sessionOptions(provider: Provider, opts: SessionOptions): InferenceSession.SessionOptions {
  const o: InferenceSession.SessionOptions = {
    executionProviders: [provider],
    graphOptimizationLevel: opts.graphOptimizationLevel ?? 'all',
    logSeverityLevel: 3,
  };
  if (!opts.memoryArena) {
    o.enableCpuMemArena = false;
    o.enableMemPattern = false;
  }
  if (opts.intraOpThreads) o.intraOpNumThreads = opts.intraOpThreads;
  if (opts.interOpThreads) o.interOpNumThreads = opts.interOpThreads;
  return o;
}

function skip(skipped: SkippedProvider[], provider: Provider, reason: string, model: string, log?: SessionLog): void {
  skipped.push({ provider, reason });
  const key = `${provider}\0${reason}`;
  if (reported.has(key)) {
    log?.debug?.({ model, provider }, 'execution provider skipped');
    return;
  }
  reported.add(key);
  log?.warn({ provider, reason }, 'execution provider skipped');
}

function firstLine(err: unknown): string {
  return String((err as Error)?.message ?? err)
    .split('\n')[0]
    .trim();
}
