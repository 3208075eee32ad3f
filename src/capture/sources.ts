import { statSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { findCameraCli } from './auto-detect.ts';
import type { CaptureConfig } from '../config/capture.ts';
import { ffmpegInfo, findOnPath, type FfmpegInfo } from './executables.ts';
import { buildProcessPlan, type ProcessPlan } from './ffmpeg-args.ts';
import { launchProcessPlan } from './process-run.ts';
import type { Launcher } from './run.ts';
import { launchSlideshow, listImages } from './slideshow.ts';
import { describeSource, type SourceSpec } from './source-spec.ts';
import { ResourceError } from '../core/errors.ts';

export interface PreparedSource {
  launch: Launcher;
  description: string;
  /** The process plan, for logs and the benchmark (absent for the slideshow). */
  plan?: ProcessPlan;
  ffmpeg?: FfmpegInfo;
}

/** The demo pictures: @vladmandic/face-api's sample1..6.jpg (installed with Glance: it also provides the age/gender model). */
export function demoPictures(): string[] {
  let dir: string;
  try {
    dir = path.join(path.dirname(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json')), 'demo');
  } catch {
    throw new ResourceError('capture.source demo: @vladmandic/face-api is not installed (its demo photos are the demo input); run npm ci or set capture.source');
  }
  const files = existsSync(dir) ? listImages(dir).filter((f) => /^sample\d+\.jpg$/.test(path.basename(f))) : [];
  if (files.length === 0) throw new ResourceError(`capture.source demo: no sample*.jpg in ${dir}`);
  return files;
}

/**
 * Checks that what a concrete source names exists (ResourceError, exit 3, otherwise) and returns
 * how to launch it. Network sources are not checked: a camera that is down at boot is retried.
 */
export async function prepareSource(spec: Exclude<SourceSpec, { kind: 'auto' }>, config: CaptureConfig): Promise<PreparedSource> {
  const description = describeSource(spec);
  switch (spec.kind) {
    case 'demo': {
      demoPictures();
      return { description, launch: (hooks) => launchSlideshow({ list: demoPictures, config, name: 'demo' }, hooks) };
    }
    case 'images': {
      const stat = statOrNull(spec.dir);
      if (!stat?.isDirectory()) throw new ResourceError(`capture.source ${description}: no such directory`);
      if (listImages(spec.dir).length === 0) throw new ResourceError(`capture.source ${description}: no pictures (.jpg, .png, .webp, …) in it`);
      return { description, launch: (hooks) => launchSlideshow({ list: () => listImages(spec.dir), config, name: description }, hooks) };
    }
    case 'file': {
      if (!statOrNull(spec.path)?.isFile()) throw new ResourceError(`capture.source ${description}: no such file`);
      break;
    }
    case 'v4l2': {
      const stat = statOrNull(spec.device);
      if (!stat) throw new ResourceError(`capture.source ${description}: no such device`);
      // Linux video4linux devices have major number 81 (a /dev/null would otherwise pass).
      const major = Number((BigInt(stat.rdev) >> 8n) & 0xfffn);
      if (!stat.isCharacterDevice() || (process.platform === 'linux' && major !== 81)) {
        throw new ResourceError(`capture.source ${description}: not a video device`);
      }
      break;
    }
    default:
      break;
  }
  const ffmpeg = await ffmpegInfo(config.ffmpegPath);
  let cameraCli: string | undefined;
  let gstLaunch: string | undefined;
  if (spec.kind === 'libcamera') {
    cameraCli = findCameraCli();
    if (!cameraCli) throw new ResourceError(`capture.source ${description}: neither rpicam-vid nor libcamera-vid is installed`);
  }
  if (spec.kind === 'gst') {
    gstLaunch = findOnPath('gst-launch-1.0');
    if (!gstLaunch) throw new ResourceError('capture.source gst:…: gst-launch-1.0 is not installed');
  }
  const plan = buildProcessPlan(spec, config, { ffmpeg, cameraCli, gstLaunch });
  return { description, plan, ffmpeg, launch: (hooks) => launchProcessPlan(plan, hooks) };
}

function statOrNull(p: string) {
  try {
    return statSync(p);
  } catch {
    return null;
  }
}
