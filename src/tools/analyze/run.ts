import { mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import type { Face } from '../../core/types.ts';
import { createAnalyzer, type Analyzer } from '../../inference/analyzer.ts';
import { writeAnnotated } from './annotate.ts';
import { decodeImageFile, IMAGE_EXTENSIONS } from '../media/image-file.ts';
import { inferenceFromCli, type ModelOptions } from '../inference-overrides.ts';
import { readVideoFrames, VIDEO_EXTENSIONS } from '../media/video-file.ts';
import type { RgbImage } from '../../inference/image/warp.ts';
import { ConfigError, ResourceError } from '../../core/errors.ts';

export interface AnalyzeRunOptions extends ModelOptions {
  json?: boolean;
  annotate?: string;
  /** Already checked to be positive integers by the command (src/cli/analyze.ts). */
  maxFrames?: number;
  every?: number;
}

/** Exit codes as documented: 0 all inputs analysed, 1 some input failed, 2 bad arguments, 3 model missing. */
export async function runAnalyze(input: string, opts: AnalyzeRunOptions, configPath: string | undefined, out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  let files: string[];
  let isDir = false;
  let cfg;
  const { maxFrames, every = 1 } = opts;
  try {
    cfg = inferenceFromCli(opts, configPath);
    let st;
    try {
      st = statSync(input);
    } catch {
      throw new ConfigError(`${input}: no such file or folder`);
    }
    isDir = st.isDirectory();
    files = isDir
      ? readdirSync(input)
          .filter((f) => IMAGE_EXTENSIONS.test(f) || VIDEO_EXTENSIONS.test(f))
          .sort()
          .map((f) => path.join(input, f))
      : [input];
    if (isDir && files.length === 0) throw new ConfigError(`${input}: no image or video files in this folder`);
  } catch (e) {
    err.write(`glance: ${(e as Error).message}\n`);
    return 2;
  }

  let analyzer: Analyzer;
  try {
    analyzer = await createAnalyzer(cfg.inference, cfg.privacy, pino({ level: 'error' }, pino.destination(2)));
  } catch (e) {
    err.write(`glance: ${(e as Error).message}\n`);
    if (e instanceof ResourceError) err.write('glance: build the models with `glance models build` (run by npm ci), or pick others with --detector/--emotion-model/--age-gender-model\n');
    return e instanceof ResourceError ? 3 : 1;
  }
  const annotateDir = opts.annotate && (isDir || files.length > 1 || VIDEO_EXTENSIONS.test(input)) ? opts.annotate : undefined;
  if (annotateDir) mkdirSync(annotateDir, { recursive: true });

  let failed = 0;
  try {
    for (const file of files) {
      try {
        if (VIDEO_EXTENSIONS.test(file)) {
          let n = 0;
          for await (const frame of readVideoFrames(file, { maxFrames, every, ffmpegPath: cfg.ffmpegPath })) {
            const name = `${path.basename(file)}#${frame.index}`;
            const res = await analyzer.analyzeTimed(frame);
            report(out, opts.json === true, name, frame, res.faces, res.timingsMs, frame.index);
            if (annotateDir) await writeAnnotated(frame, res.faces, path.join(annotateDir, `${path.parse(file).name}-${String(frame.index).padStart(5, '0')}.jpg`));
            n++;
          }
          if (n === 0) throw new Error(`${file}: the video has no frames`);
        } else {
          const image = await decodeImageFile(file);
          const res = await analyzer.analyzeTimed(image);
          report(out, opts.json === true, path.basename(file), image, res.faces, res.timingsMs);
          if (opts.annotate) await writeAnnotated(image, res.faces, annotateDir ? path.join(annotateDir, path.basename(file).replace(/\.[^.]+$/, '.jpg')) : opts.annotate);
        }
      } catch (e) {
        failed++;
        const msg = (e as Error).message;
        err.write(`glance: ${msg.startsWith(file) ? msg : `${file}: ${msg}`}\n`);
        if (opts.json) out.write(`${JSON.stringify({ file: path.basename(file), error: msg })}\n`);
      }
    }
  } finally {
    await analyzer.close();
  }
  if (files.length > 1) err.write(`glance: ${files.length - failed} of ${files.length} files analysed${failed ? `, ${failed} failed` : ''}\n`);
  return failed > 0 ? 1 : 0;
}

function report(out: NodeJS.WritableStream, json: boolean, name: string, image: RgbImage, faces: Face[], timingsMs: Record<string, number>, frame?: number): void {
  if (json) {
    out.write(`${JSON.stringify({ file: name.split('#')[0], ...(frame !== undefined ? { frame } : {}), width: image.width, height: image.height, faces, timingsMs })}\n`);
    return;
  }
  const times = Object.entries(timingsMs)
    .map(([k, v]) => `${k} ${v.toFixed(0)} ms`)
    .join(', ');
  out.write(`${name}  ${image.width}x${image.height}  ${faces.length} face${faces.length === 1 ? '' : 's'}${times ? `  (${times})` : ''}\n`);
  if (faces.length === 0) return;
  const rows = faces.map((f, i) => [
    String(i + 1),
    `${Math.round(f.box.x)},${Math.round(f.box.y)} ${Math.round(f.box.width)}x${Math.round(f.box.height)}`,
    f.score.toFixed(2),
    f.pose ? `${fmt(f.pose.yaw)} ${fmt(f.pose.pitch)} ${fmt(f.pose.roll)}` : '-',
    f.emotion ? `${f.emotion.label} ${Math.max(...Object.values(f.emotion.probs)).toFixed(2)}` : '-',
    f.age ? `${Math.round(f.age.years)} (${f.age.low}-${f.age.high})` : '-',
    f.gender ? `${f.gender.label} ${f.gender.p.toFixed(2)}` : '-',
  ]);
  const head = ['#', 'box x,y wxh', 'score', 'yaw pitch roll', 'emotion', 'age (range)', 'gender'];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) =>
    '  ' +
    cells
      .map((cell, c) => cell.padEnd(widths[c]))
      .join('  ')
      .trimEnd() +
    '\n';
  out.write(line(head));
  for (const r of rows) out.write(line(r));
}

function fmt(v: number): string {
  return String(Math.round(v));
}
