import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { RuntimeLocation } from './onnxruntime.ts';

/**
 * Why an execution provider cannot work with this onnxruntime build, found without trying it:
 * the npm package ships the CPU provider only and leaves the CUDA/TensorRT libraries to an
 * optional download that Glance's install disables. null means "try it".
 */
export type Provider = 'tensorrt' | 'cuda' | 'cpu' | 'webgpu';

export const DEFAULT_PROVIDERS: readonly Provider[] = ['tensorrt', 'cuda', 'cpu'];

const LIBS: Partial<Record<Provider, string[]>> = {
  cuda: ['onnxruntime_providers_shared', 'onnxruntime_providers_cuda'],
  tensorrt: ['onnxruntime_providers_shared', 'onnxruntime_providers_tensorrt'],
};

export function precheckProvider(rt: RuntimeLocation, provider: Provider): string | null {
  if (provider === 'cpu') return null;
  let listed: Array<{ name: string }> = [];
  try {
    listed = rt.ort.listSupportedBackends?.() ?? [];
  } catch {
    // Older builds lack listSupportedBackends: just try the provider.
  }
  if (listed.length > 0 && !listed.some((b) => b.name === provider)) {
    return `this onnxruntime-node build has no ${provider} execution provider (${rt.origin})`;
  }
  const libs = LIBS[provider];
  if (!libs || !rt.nativeDir) return null;
  const file = (lib: string) => (process.platform === 'win32' ? `${lib}.dll` : `lib${lib}.so`);
  const missing = libs.map(file).filter((f) => !existsSync(join(rt.nativeDir!, f)));
  if (missing.length === 0) return null;
  return (
    `${missing.join(', ')} not installed in ${rt.nativeDir}: the default install skips the GPU provider binaries ` +
    `(x64 with CUDA 12: ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install.js; Jetson: set inference.onnxruntimePath; see docs/models.md)`
  );
}
