import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { maskCredentials } from '../config/mask.ts';
import { ConfigError } from '../core/errors.ts';

/**
 * `capture.source` parsed into what it names. Parsing is pure (no file system, no processes) so a
 * bad value is reported at start-up as a ConfigError naming it, before anything is spawned;
 * whether the named device or file exists is checked later and is a ResourceError.
 */
export type SourceSpec =
  | { kind: 'auto' }
  | { kind: 'demo' }
  | { kind: 'v4l2'; device: string }
  | { kind: 'libcamera'; camera: number }
  | { kind: 'rtsp'; url: string }
  | { kind: 'http'; url: string }
  | { kind: 'file'; path: string }
  | { kind: 'images'; dir: string }
  | { kind: 'gst'; argv: string[]; raw?: RawVideoCaps };

/** A raw-video caps string right before `fdsink`: ffmpeg must be told the layout, as raw video has no header. */
export interface RawVideoCaps {
  pixFmt: string;
  width: number;
  height: number;
  framerate?: string;
}

export const SOURCE_FORMS = 'auto, demo, v4l2:/dev/videoN, libcamera:N, rtsp://…, http(s)://…, file:PATH, images:DIR, gst:PIPELINE … ! fdsink';

export function parseSourceSpec(value: string, cwd = process.cwd()): SourceSpec {
  const text = value.trim();
  const bad = (why: string): never => {
    throw new ConfigError(`capture.source ${JSON.stringify(maskCredentials(value))}: ${why}`);
  };
  if (text === 'auto') return { kind: 'auto' };
  if (text === 'demo') return { kind: 'demo' };

  const scheme = /^([a-z0-9]+):/i.exec(text)?.[1]?.toLowerCase();
  const rest = scheme ? text.slice(scheme.length + 1) : '';
  switch (scheme) {
    case 'v4l2': {
      if (/^\d+$/.test(rest)) return { kind: 'v4l2', device: `/dev/video${rest}` };
      if (!/^\/dev\/\S+$/.test(rest)) bad('expected v4l2:/dev/videoN (or a /dev/v4l/by-id/… path, or v4l2:N)');
      return { kind: 'v4l2', device: rest };
    }
    case 'libcamera': {
      if (rest === '') return { kind: 'libcamera', camera: 0 };
      if (!/^\d{1,2}$/.test(rest)) bad('expected libcamera:N with N the camera index (0, 1, …)');
      return { kind: 'libcamera', camera: Number(rest) };
    }
    case 'rtsp':
    case 'rtsps':
      return { kind: 'rtsp', url: checkUrl(text, bad) };
    case 'http':
    case 'https':
      return { kind: 'http', url: checkUrl(text, bad) };
    case 'file': {
      let p = rest;
      if (p.startsWith('//')) {
        try {
          p = fileURLToPath(text);
        } catch (err) {
          bad(`not a valid file URL (${(err as Error).message})`);
        }
      }
      if (p === '') bad('expected file:PATH');
      return { kind: 'file', path: path.resolve(cwd, p) };
    }
    case 'images': {
      if (rest === '') bad('expected images:DIR');
      return { kind: 'images', dir: path.resolve(cwd, rest) };
    }
    case 'gst':
      return parseGst(rest, bad);
    default:
      return bad(`unknown source; expected one of ${SOURCE_FORMS}`);
  }
}

function checkUrl(text: string, bad: (why: string) => never): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return bad('not a valid URL');
  }
  if (!url.hostname) bad('the URL has no host');
  if (/\s/.test(text)) bad('the URL contains white space (percent-encode it)');
  return text;
}

/**
 * A readable name of the source for logs and health: credentials masked (a gst pipeline can carry
 * them in a location URL or a user-pw property), gst pipelines shortened after masking, so a cut
 * cannot split a password from the @ or = that marks it.
 */
export function describeSource(spec: SourceSpec): string {
  const text = maskCredentials(plainDescription(spec));
  return spec.kind === 'gst' && text.length > 84 ? `${text.slice(0, 81)}...` : text;
}

function plainDescription(spec: SourceSpec): string {
  switch (spec.kind) {
    case 'auto':
    case 'demo':
      return spec.kind;
    case 'v4l2':
      return `v4l2:${spec.device}`;
    case 'libcamera':
      return `libcamera:${spec.camera}`;
    case 'rtsp':
    case 'http':
      return spec.url;
    case 'file':
      return `file:${spec.path}`;
    case 'images':
      return `images:${spec.dir}`;
    case 'gst':
      return `gst:${spec.argv.map(quoteSpaced).join(' ')}`;
  }
}

/** user-pw=my secret → user-pw="my secret": a value with spaces stays one value, masked whole. */
function quoteSpaced(arg: string): string {
  if (!/\s/.test(arg)) return arg;
  const m = /^([\w.-]+=)(.*)$/s.exec(arg);
  return m ? `${m[1]}"${m[2]}"` : `"${arg}"`;
}

// ---- gst:PIPELINE -------------------------------------------------------------------------------

function parseGst(pipeline: string, bad: (why: string) => never): SourceSpec {
  let argv: string[];
  try {
    argv = splitArgs(pipeline);
  } catch (err) {
    return bad((err as Error).message);
  }
  if (argv.length === 0) bad('expected gst:PIPELINE (a gst-launch-1.0 pipeline ending in fdsink)');
  const elements = splitElements(argv);
  const last = elements[elements.length - 1];
  if (last[0] !== 'fdsink') bad('the GStreamer pipeline must end in fdsink (frames are read from its stdout)');
  for (const prop of last.slice(1)) {
    const m = /^fd=(.*)$/.exec(prop);
    if (m && m[1] !== '1') bad('fdsink must write to fd=1 (stdout)');
  }
  const before = elements.length > 1 ? elements[elements.length - 2] : undefined;
  const raw = before && before.length === 1 ? parseRawCaps(before[0], bad) : undefined;
  return { kind: 'gst', argv, ...(raw ? { raw } : {}) };
}

/**
 * Splits a pipeline into argv the way a POSIX shell would for plain words and quotes, and nothing
 * more: no variables, globs, redirections or command substitution, because nothing runs in a shell.
 * gst-launch-1.0 re-joins its arguments, escaping spaces inside each, so a quoted property value
 * such as location="my clip.mp4" survives as one argument.
 */
export function splitArgs(text: string): string[] {
  const out: string[] = [];
  let current = '';
  let inWord = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new Error('unterminated single quote');
      current += text.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated double quote');
        const d = text[i];
        if (d === '"') break;
        if (d === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1])) {
          current += text[i + 1];
          i += 2;
        } else {
          current += d;
          i++;
        }
      }
      inWord = true;
      i++;
    } else if (c === '\\') {
      if (i + 1 >= text.length) throw new Error('trailing backslash');
      current += text[i + 1];
      inWord = true;
      i += 2;
    } else if (/\s/.test(c)) {
      if (inWord) out.push(current);
      current = '';
      inWord = false;
      i++;
    } else {
      current += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) out.push(current);
  return out;
}

/** Groups argv into elements at the `!` links (gst-launch also accepts `!` glued to a word). */
function splitElements(argv: string[]): string[][] {
  const elements: string[][] = [[]];
  for (const arg of argv) {
    const parts = arg.split('!');
    parts.forEach((part, index) => {
      if (index > 0) elements.push([]);
      if (part !== '') elements[elements.length - 1].push(part);
    });
  }
  return elements.filter((e) => e.length > 0);
}

/** GStreamer raw formats and the ffmpeg pixel format with the same memory layout. */
const GST_TO_FFMPEG: Record<string, string> = {
  I420: 'yuv420p',
  NV12: 'nv12',
  NV21: 'nv21',
  Y42B: 'yuv422p',
  Y444: 'yuv444p',
  YUY2: 'yuyv422',
  UYVY: 'uyvy422',
  YVYU: 'yvyu422',
  GRAY8: 'gray',
  RGB: 'rgb24',
  BGR: 'bgr24',
  RGBx: 'rgb0',
  BGRx: 'bgr0',
  xRGB: '0rgb',
  xBGR: '0bgr',
  RGBA: 'rgba',
  BGRA: 'bgra',
  ARGB: 'argb',
  ABGR: 'abgr',
};

function parseRawCaps(caps: string, bad: (why: string) => never): RawVideoCaps | undefined {
  if (!/^video\/x-raw(,|$)/.test(caps)) return undefined; // a muxer or encoder: ffmpeg probes the stream
  const field = (name: string) => new RegExp(`,\\s*${name}\\s*=\\s*(?:\\([a-z]+\\))?\\s*([^,]+)`, 'i').exec(caps)?.[1]?.trim();
  const format = field('format');
  const width = Number(field('width'));
  const height = Number(field('height'));
  if (!format || !Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    bad('raw video before fdsink needs format, width and height in its caps (e.g. video/x-raw,format=I420,width=1280,height=720)');
  }
  const pixFmt = GST_TO_FFMPEG[format!];
  if (!pixFmt) bad(`raw format ${format} is not supported before fdsink; use one of ${Object.keys(GST_TO_FFMPEG).join(', ')}`);
  const framerate = field('framerate');
  return { pixFmt, width, height, ...(framerate && /^\d+(\/\d+)?$/.test(framerate) ? { framerate } : {}) };
}
