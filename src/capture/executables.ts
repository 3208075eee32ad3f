import { accessSync, constants } from 'node:fs';
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ResourceError } from '../core/errors.ts';

/** Finds an executable on PATH without a shell (`which` is not guaranteed to exist). */
export function findOnPath(name: string, envPath = process.env.PATH ?? ''): string | undefined {
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export interface FfmpegInfo {
  path: string;
  /** Where it came from, for the start-up log line. */
  origin: 'config' | 'system' | 'npm';
  /** libavformat major.minor; option names changed across versions (see ffmpeg-args.ts). */
  lavf: [number, number];
}

/**
 * ffmpeg from capture.ffmpegPath, else `ffmpeg` on PATH, else the @ffmpeg-installer/ffmpeg binary.
 * A configured path that is not executable is an error rather than a silent fallback: the operator
 * asked for that binary.
 */
export function resolveFfmpegPath(configured: string | undefined): { path: string; origin: FfmpegInfo['origin'] } {
  if (configured) {
    if (!isExecutable(configured)) throw new ResourceError(`capture.ffmpegPath ${configured} is not an executable file`);
    return { path: configured, origin: 'config' };
  }
  const system = findOnPath('ffmpeg');
  if (system) return { path: system, origin: 'system' };
  try {
    const installer = createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string };
    if (isExecutable(installer.path)) return { path: installer.path, origin: 'npm' };
  } catch {
    // no binary for this platform: fall through to the error
  }
  throw new ResourceError('ffmpeg not found: set capture.ffmpegPath, install ffmpeg, or reinstall @ffmpeg-installer/ffmpeg');
}

const infoCache = new Map<string, Promise<FfmpegInfo>>();

/** Resolves ffmpeg and reads its libavformat version once per binary. */
export function ffmpegInfo(configured: string | undefined): Promise<FfmpegInfo> {
  const { path: bin, origin } = resolveFfmpegPath(configured);
  let cached = infoCache.get(bin);
  if (!cached) {
    cached = new Promise<FfmpegInfo>((resolve, reject) => {
      execFile(bin, ['-hide_banner', '-version'], { timeout: 10000 }, (err, stdout) => {
        if (err) {
          infoCache.delete(bin);
          reject(new ResourceError(`ffmpeg at ${bin} does not run: ${err.message}`, { cause: err }));
          return;
        }
        const m = /libavformat\s+(\d+)\.\s*(\d+)/.exec(stdout);
        resolve({ path: bin, origin, lavf: m ? [Number(m[1]), Number(m[2])] : [0, 0] });
      });
    });
    infoCache.set(bin, cached);
  }
  return cached;
}
