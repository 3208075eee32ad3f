import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { findOnPath } from './executables.ts';
import type { SourceSpec } from './source-spec.ts';

/**
 * V4L2 nodes that are not cameras: Raspberry Pi codec/ISP/raw-sensor nodes (the Pi camera is read
 * through libcamera instead) and memory-to-memory converters.
 */
const NOT_A_CAMERA = /codec|isp|hevc|rpivid|pispbe|unicam|rp1-cfe|m2m|encoder|decoder/i;

export interface DetectPaths {
  devDir: string;
  sysDir: string;
}

const SYSTEM: DetectPaths = { devDir: '/dev', sysDir: '/sys/class/video4linux' };

/** The first /dev/videoN that looks like a camera (its first node, not metadata or codec nodes). */
export function findV4l2Camera(paths: DetectPaths = SYSTEM): string | undefined {
  let names: string[];
  try {
    names = readdirSync(paths.devDir);
  } catch {
    return undefined;
  }
  const nodes = names
    .map((n) => /^video(\d+)$/.exec(n))
    .filter((m): m is RegExpExecArray => m !== null)
    .sort((a, b) => Number(a[1]) - Number(b[1]));
  for (const m of nodes) {
    const sys = path.join(paths.sysDir, m[0]);
    const read = (file: string) => {
      try {
        return readFileSync(path.join(sys, file), 'utf8').trim();
      } catch {
        return undefined;
      }
    };
    // A UVC camera has a capture node (index 0) and a metadata node (index 1) per device.
    const index = read('index');
    if (index !== undefined && index !== '0') continue;
    const name = read('name');
    if (name !== undefined && NOT_A_CAMERA.test(name)) continue;
    return path.join(paths.devDir, m[0]);
  }
  return undefined;
}

/** rpicam-vid, or libcamera-vid on systems older than the 2023 rename. */
export function findCameraCli(envPath?: string): string | undefined {
  return findOnPath('rpicam-vid', envPath) ?? findOnPath('libcamera-vid', envPath);
}

/** Camera indices listed by `rpicam-vid --list-cameras` ("0 : imx708 [4608x2592 …]"). */
export function parseListCameras(output: string): number[] {
  return [...output.matchAll(/^\s*(\d+)\s*:\s*\S+/gm)].map((m) => Number(m[1]));
}

export function listLibcameraCameras(cli: string, signal: AbortSignal): Promise<number[]> {
  return new Promise((resolve) => {
    execFile(cli, ['--list-cameras'], { timeout: 10000, signal }, (err, stdout, stderr) => {
      // It exits non-zero on some versions when there is no camera; the listing decides.
      void err;
      resolve(parseListCameras(`${stdout}\n${stderr}`));
    });
  });
}

/**
 * capture.source = auto: the first V4L2 camera, else the first libcamera camera, else the demo
 * slideshow, said loudly so nobody mistakes demo figures for an audience.
 */
export async function detectSource(signal: AbortSignal, log: Logger, paths: DetectPaths = SYSTEM, envPath?: string): Promise<SourceSpec> {
  const device = findV4l2Camera(paths);
  if (device) {
    log.info({ device }, 'capture auto: using V4L2 camera');
    return { kind: 'v4l2', device };
  }
  const cli = findCameraCli(envPath);
  if (cli) {
    const cameras = await listLibcameraCameras(cli, signal);
    if (cameras.length > 0) {
      log.info({ camera: cameras[0], cli }, 'capture auto: using libcamera camera');
      return { kind: 'libcamera', camera: cameras[0] };
    }
  }
  log.warn('capture auto: no camera found; the input is the DEMO slideshow of sample photos, not a real audience (set capture.source)');
  return { kind: 'demo' };
}
