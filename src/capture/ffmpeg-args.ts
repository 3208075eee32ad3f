import type { CaptureConfig } from '../config/capture.ts';
import type { FfmpegInfo } from './executables.ts';
import type { SourceSpec } from './source-spec.ts';

/** One process of a capture pipeline; argv only, never a shell. */
export interface ProcessStep {
  label: string;
  command: string;
  args: string[];
}

/** A camera CLI (optional) piping into ffmpeg, whose stdout carries rgb24 frames of width x height. */
export interface ProcessPlan {
  steps: ProcessStep[];
  /** The source can end for good (a file without loop): a clean exit is then the end, not a failure. */
  finite: boolean;
}

export type ProcessSpec = Extract<SourceSpec, { kind: 'v4l2' | 'libcamera' | 'rtsp' | 'http' | 'file' | 'gst' }>;

export interface PlanTools {
  ffmpeg: FfmpegInfo;
  /** rpicam-vid or libcamera-vid, for libcamera: sources. */
  cameraCli?: string;
  /** gst-launch-1.0, for gst: sources. */
  gstLaunch?: string;
}

const atLeast = (v: [number, number], major: number, minor: number) => v[0] > major || (v[0] === major && v[1] >= minor);

/**
 * The filter that turns any input into exactly width x height rgb24. pad letterboxes (no pixel lost,
 * no face distorted: the default, since face models dislike stretched faces); stretch fills the
 * frame ignoring aspect; crop cuts the input to the target aspect first (cheaper than scaling the
 * edges it then discards). Converting to rgb24 inside scale lets pad/crop work at any pixel offset.
 */
export function scaleFilter(width: number, height: number, fit: CaptureConfig['fit']): string {
  switch (fit) {
    case 'stretch':
      return `scale=${width}:${height}:flags=bilinear,format=rgb24,setsar=1`;
    case 'crop':
      return `crop=min(iw\\,ih*${width}/${height}):min(ih\\,iw*${height}/${width}),` + `scale=${width}:${height}:flags=bilinear,format=rgb24,setsar=1`;
    default:
      return `scale=${width}:${height}:force_original_aspect_ratio=decrease:flags=bilinear,format=rgb24,` + `pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2:black,setsar=1`;
  }
}

/** ffmpeg arguments after the input: video only, rgb24 at the configured size, one packet per frame on stdout. */
export function outputArgs(config: Pick<CaptureConfig, 'width' | 'height' | 'fit'>, ffmpeg: FfmpegInfo): string[] {
  // Pass every decoded frame through as it comes (no duplication to a constant rate). The option
  // was renamed in ffmpeg 5.1 (libavformat 59.27); the old name warns on new versions.
  const passthrough = atLeast(ffmpeg.lavf, 59, 27) ? ['-fps_mode', 'passthrough'] : ['-vsync', 'passthrough'];
  return [
    '-an',
    '-sn',
    '-dn',
    '-vf',
    scaleFilter(config.width, config.height, config.fit),
    ...passthrough,
    '-pix_fmt',
    'rgb24',
    '-f',
    'rawvideo',
    // Write each frame at once instead of filling ffmpeg's I/O buffer: small frames would wait there.
    '-flush_packets',
    '1',
    'pipe:1',
  ];
}

const GLOBAL_ARGS = ['-hide_banner', '-nostdin', '-loglevel', 'warning'];

export function buildProcessPlan(spec: ProcessSpec, config: CaptureConfig, tools: PlanTools): ProcessPlan {
  const ffmpeg = (input: string[]): ProcessStep => ({
    label: 'ffmpeg',
    command: tools.ffmpeg.path,
    args: [...GLOBAL_ARGS, ...input, ...outputArgs(config, tools.ffmpeg)],
  });
  const timeoutUs = String(config.stallTimeoutMs * 1000);
  switch (spec.kind) {
    case 'file':
      return {
        steps: [
          ffmpeg([
            ...(config.pace === 'realtime' ? ['-re'] : []),
            ...(config.loop ? ['-stream_loop', '-1'] : []),
            // The file: prefix keeps a name like "cam:1.mp4" from being read as a protocol.
            '-i',
            `file:${spec.path}`,
          ]),
        ],
        finite: !config.loop,
      };
    case 'v4l2':
      return {
        steps: [
          ffmpeg([
            '-f',
            'v4l2',
            ...(config.inputFormat ? ['-input_format', config.inputFormat] : []),
            ...(config.inputWidth && config.inputHeight ? ['-video_size', `${config.inputWidth}x${config.inputHeight}`] : []),
            '-framerate',
            String(config.fps),
            '-i',
            spec.device,
          ]),
        ],
        finite: false,
      };
    case 'rtsp':
      // The socket I/O timeout is `timeout` since ffmpeg 5 (libavformat 59); before, `timeout`
      // meant "listen for an incoming connection" and `stimeout` was the socket timeout.
      return {
        steps: [ffmpeg(['-rtsp_transport', 'tcp', ...(atLeast(tools.ffmpeg.lavf, 59, 0) ? ['-timeout', timeoutUs] : ['-stimeout', timeoutUs]), '-i', spec.url])],
        finite: false,
      };
    case 'http':
      // multipart/x-mixed-replace (MJPEG) is recognised from the response; other streams are probed.
      return { steps: [ffmpeg(['-rw_timeout', timeoutUs, '-i', spec.url])], finite: false };
    case 'libcamera': {
      if (!tools.cameraCli) throw new Error('libcamera source without a camera CLI');
      const width = config.inputWidth ?? config.width;
      const height = config.inputHeight ?? config.height;
      return {
        steps: [
          {
            label: 'camera',
            command: tools.cameraCli,
            args: [
              '--camera',
              String(spec.camera),
              '--timeout',
              '0',
              '--nopreview',
              '--codec',
              'yuv420',
              '--width',
              String(width),
              '--height',
              String(height),
              '--framerate',
              String(config.fps),
              '--flush',
              '--output',
              '-',
            ],
          },
          ffmpeg(['-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-video_size', `${width}x${height}`, '-framerate', String(config.fps), '-i', 'pipe:0']),
        ],
        finite: false,
      };
    }
    case 'gst': {
      if (!tools.gstLaunch) throw new Error('gst source without gst-launch-1.0');
      // -q: gst-launch otherwise prints its progress to stdout, in the middle of the frames.
      const gst: ProcessStep = { label: 'gst', command: tools.gstLaunch, args: ['-q', ...spec.argv] };
      const input = spec.raw
        ? ['-f', 'rawvideo', '-pix_fmt', spec.raw.pixFmt, '-video_size', `${spec.raw.width}x${spec.raw.height}`, '-framerate', spec.raw.framerate ?? String(config.fps), '-i', 'pipe:0']
        : ['-i', 'pipe:0'];
      return { steps: [gst, ffmpeg(input)], finite: false };
    }
  }
}
