import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { ResourceError } from '../../core/errors.ts';

/**
 * Loads onnxruntime-node: the bundled npm build by default, or an alternative build named by
 * `inference.onnxruntimePath` (a Jetson arm64 build with CUDA/TensorRT, say). Both are CommonJS
 * packages, loaded with require so a custom build needs no package-manager registration.
 */
export type Ort = typeof import('onnxruntime-node');

export interface RuntimeLocation {
  ort: Ort;
  /** The onnxruntime-node package folder. */
  packageDir: string;
  /** Where the native binding and the provider libraries live, when known. */
  nativeDir: string | null;
  /** Human-readable origin, for logs and `models list`. */
  origin: string;
}

const require = createRequire(import.meta.url);
const cache = new Map<string, RuntimeLocation>();

export function loadOnnxRuntime(config: { onnxruntimePath?: string } = {}): RuntimeLocation {
  const key = config.onnxruntimePath ? resolve(config.onnxruntimePath) : '';
  const cached = cache.get(key);
  if (cached) return cached;
  const loc = key ? loadCustom(key, config.onnxruntimePath!) : loadBundled();
  // Provider failures are reported by the session loop with a reason each; onnxruntime's own
  // stderr lines for the same failures would only repeat them.
  try {
    loc.ort.env.logLevel = 'fatal';
  } catch {
    // An older build without env.logLevel: keep its default.
  }
  cache.set(key, loc);
  return loc;
}

function loadBundled(): RuntimeLocation {
  const entry = require.resolve('onnxruntime-node');
  const packageDir = packageDirOf(entry);
  return { ort: require('onnxruntime-node') as Ort, packageDir, nativeDir: nativeDirOf(packageDir), origin: `onnxruntime-node (bundled, ${packageDir})` };
}

function loadCustom(abs: string, given: string): RuntimeLocation {
  if (!existsSync(abs)) throw new ResourceError(`inference.onnxruntimePath ${given}: no such file or folder`);
  let ort: Ort;
  try {
    ort = require(abs) as Ort;
  } catch (err) {
    throw new ResourceError(`inference.onnxruntimePath ${given}: cannot load onnxruntime-node from it: ${(err as Error).message}`, { cause: err });
  }
  if (typeof ort?.InferenceSession?.create !== 'function' || typeof ort.Tensor !== 'function') {
    throw new ResourceError(`inference.onnxruntimePath ${given}: loaded, but it does not export InferenceSession and Tensor (is it an onnxruntime-node build?)`);
  }
  const packageDir = statSync(abs).isDirectory() ? abs : packageDirOf(abs);
  return { ort, packageDir, nativeDir: nativeDirOf(packageDir), origin: `onnxruntime-node (custom, ${abs})` };
}

function packageDirOf(file: string): string {
  let dir = dirname(file);
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return dirname(file);
    dir = parent;
  }
  return dir;
}

/** onnxruntime-node keeps its binding in bin/napi-v*\/<platform>/<arch>/ (or a build's dist/). */
function nativeDirOf(packageDir: string): string | null {
  const bin = join(packageDir, 'bin');
  for (const napi of ['napi-v6', 'napi-v3']) {
    const dir = join(bin, napi, process.platform, process.arch);
    if (existsSync(join(dir, 'onnxruntime_binding.node'))) return dir;
  }
  const dist = join(packageDir, 'dist');
  return existsSync(join(dist, 'onnxruntime_binding.node')) ? dist : null;
}
