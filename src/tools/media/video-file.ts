import { spawn } from 'node:child_process';
import { resolveFfmpegPath } from '../../capture/executables.ts';
import type { RgbImage } from '../../inference/image/warp.ts';

/**
 * Reads a video file frame by frame for `glance analyze`: ffmpeg, found as capture finds it
 * (capture.ffmpegPath, else on PATH, else the npm binary), decodes to rgb24 on stdout; the frame
 * size is read from ffmpeg's own description of its output stream on stderr, so no ffprobe is
 * needed. Frames are yielded one at a time (back-pressure: the pipe is paused while the caller
 * analyses).
 */
export const VIDEO_EXTENSIONS = /\.(mp4|m4v|mov|mkv|webm|avi|mpe?g|ts|flv|wmv)$/i;

export interface VideoFrame extends RgbImage {
  index: number;
}

export interface ReadVideoOptions {
  maxFrames?: number;
  every?: number;
  maxWidth?: number;
  /** capture.ffmpegPath from the config in use; unset: ffmpeg on PATH, else the npm binary. */
  ffmpegPath?: string;
}

export async function* readVideoFrames(file: string, opts: ReadVideoOptions = {}): AsyncGenerator<VideoFrame> {
  const every = Math.max(1, opts.every ?? 1);
  const maxWidth = opts.maxWidth ?? 1920;
  // select keeps every Nth frame inside ffmpeg, so skipped frames are never converted or piped.
  const filters = [`select='not(mod(n\\,${every}))'`, `scale='min(${maxWidth},iw)':-2`];
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'info', '-i', file, '-vf', filters.join(','), '-vsync', '0', '-an', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'];
  const child = spawn(resolveFfmpegPath(opts.ffmpegPath).path, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let dims: { w: number; h: number } | undefined;
  const dimsReady = new Promise<{ w: number; h: number }>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 64 * 1024) stderr += chunk.toString('utf8');
      if (!dims) {
        const out = stderr.indexOf('Output #0');
        const m = out >= 0 ? /Video: rawvideo[^\n]*?, (\d{2,5})x(\d{2,5})/.exec(stderr.slice(out)) : null;
        if (m) resolve((dims = { w: Number(m[1]), h: Number(m[2]) }));
      }
    });
    child.on('close', (code) => {
      if (!dims) reject(new Error(`${file}: ffmpeg could not read the video (exit ${code}): ${lastLines(stderr)}`));
    });
    child.on('error', reject);
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  try {
    const { w, h } = await dimsReady;
    const frameBytes = w * h * 3;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let index = 0;
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      while (pendingBytes >= frameBytes) {
        const all = Buffer.concat(pending, pendingBytes);
        const data = new Uint8Array(frameBytes);
        data.set(all.subarray(0, frameBytes));
        const rest = all.subarray(frameBytes);
        pending = rest.length > 0 ? [rest] : [];
        pendingBytes = rest.length;
        yield { width: w, height: h, data, index: index * every };
        index++;
        if (opts.maxFrames !== undefined && index >= opts.maxFrames) return;
      }
    }
    const code = await exited;
    if (code !== 0 && index === 0) throw new Error(`${file}: ffmpeg failed (exit ${code}): ${lastLines(stderr)}`);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-2).join(' | ');
}
