import os from 'node:os';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { loadConfig } from '../../../config/load.ts';
import type { Face } from '../../../core/types.ts';
import { createAnalyzer, type Analyzer } from '../../../inference/analyzer.ts';
import { readVideoFrames, type VideoFrame } from '../../media/video-file.ts';
import { round } from '../../../core/numbers.ts';
import { compareFaces } from './agreement.ts';
import { openHuman, type HumanPeer, type PeerFace } from './human.ts';

/**
 * `npm run bench:peer -- --source file:PATH --frames N --pairs K`: the same decoded frames through
 * Glance's analyzer and through @vladmandic/human (tfjs WASM), alternating A/B/A/B so that load
 * from other work on the machine hits both alike; prints each pair's frames/s ratio and an
 * agreement table showing both found the same faces.
 */
const { values } = parseArgs({
  options: { source: { type: 'string' }, frames: { type: 'string', default: '30' }, pairs: { type: 'string', default: '3' }, config: { type: 'string' } },
});
const source = values.source ?? '';
if (!source.startsWith('file:')) {
  process.stderr.write('bench:peer: --source file:PATH is required\n');
  process.exit(2);
}
const frameCount = Number(values.frames);
const pairs = Number(values.pairs);
if (!Number.isInteger(frameCount) || frameCount <= 0 || !Number.isInteger(pairs) || pairs <= 0) {
  process.stderr.write('bench:peer: --frames and --pairs take positive whole numbers\n');
  process.exit(2);
}

const config = loadConfig(values.config).config;
const frames: VideoFrame[] = [];
for await (const f of readVideoFrames(source.slice(5), { maxFrames: frameCount, ffmpegPath: config.capture.ffmpegPath })) frames.push(f);
if (frames.length === 0) throw new Error(`${source}: no frames decoded`);
const log = pino({ level: 'error' }, pino.destination(2));
const glance: Analyzer = await createAnalyzer(config.inference, config.privacy, log);
await glance.warmUp();
const human: HumanPeer = await openHuman();
// Human's first detect compiles its graphs: one untimed frame each, like Glance's warm-up.
await human.detect(frames[0]);

async function timeRun<T>(fn: (f: VideoFrame) => Promise<T>): Promise<{ fps: number; out: T[] }> {
  const out: T[] = [];
  const t0 = performance.now();
  for (const f of frames) out.push(await fn(f));
  return { fps: (frames.length * 1000) / (performance.now() - t0), out };
}

process.stdout.write(
  `bench:peer ${source}: ${frames.length} frames ${frames[0].width}x${frames[0].height}, ${pairs} A/B pairs; Human backend ${human.backend}; load ${os
    .loadavg()
    .map((v) => v.toFixed(2))
    .join(' ')}\n`,
);
process.stdout.write('pair  glance fps  human fps  ratio\n');
let lastGlance: Face[][] = [];
let lastHuman: PeerFace[][] = [];
const ratios: number[] = [];
const gFps: number[] = [];
const hFps: number[] = [];
for (let p = 1; p <= pairs; p++) {
  const a = await timeRun((f) => glance.analyze(f));
  const b = await timeRun((f) => human.detect(f));
  lastGlance = a.out;
  lastHuman = b.out;
  ratios.push(a.fps / b.fps);
  gFps.push(a.fps);
  hFps.push(b.fps);
  process.stdout.write(`${String(p).padStart(4)}  ${a.fps.toFixed(2).padStart(10)}  ${b.fps.toFixed(2).padStart(9)}  ${(a.fps / b.fps).toFixed(2).padStart(5)}x\n`);
}
const med = (v: number[]) => {
  const s = [...v].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
process.stdout.write(`median ${med(gFps).toFixed(2).padStart(8)}  ${med(hFps).toFixed(2).padStart(9)}  ${med(ratios).toFixed(2).padStart(5)}x\n`);

const ag = compareFaces(lastGlance, lastHuman);
const pct = (n: number, d: number) => (d > 0 ? `${round((n / d) * 100)}% of ${d}` : 'n/a');
process.stdout.write(
  `${[
    'agreement (faces matched by IoU ≥ 0.4; Human box = extent of its mesh; last pair):',
    `  faces found        glance ${ag.glanceFaces}, human ${ag.humanFaces}, matched ${ag.matched}`,
    `  gender agreement   ${pct(ag.genderAgree, ag.genderCompared)}`,
    `  mean age diff      ${ag.meanAgeDiff} years over ${ag.ageCompared}`,
    `  emotion top-1      ${pct(ag.emotionAgree, ag.emotionCompared)}`,
    `load ${os
      .loadavg()
      .map((v) => v.toFixed(2))
      .join(' ')}`,
  ].join('\n')}\n`,
);
await glance.close();
await human.close();
