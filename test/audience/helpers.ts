import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { parseConfig } from '../../src/config/load.ts';
import type { GlanceConfig } from '../../src/config/schema.ts';
import { EventBus } from '../../src/core/bus.ts';
import { HealthRegistry } from '../../src/core/health.ts';
import type { EmotionLabel, Face, FrameFaces, GlanceEvents, LiveView, Visit } from '../../src/core/types.ts';
import { AudienceStage } from '../../src/audience/stage.ts';

/** 2025-01-01T12:00:00Z: every scripted run starts on a minute boundary, so minutes are predictable. */
export const BASE_WALL = Date.UTC(2025, 0, 1, 12, 0, 0);
/** Monotonic clock of the scripted runs starts here (performance.now() is never 0 in practice). */
export const BASE_MONO = 50_000;

export function quietLogger(): { log: Logger; lines: () => string } {
  let text = '';
  const sink = new Writable({
    write(chunk, _enc, done) {
      text += chunk;
      done();
    },
  });
  return { log: pino({ level: 'debug' }, sink), lines: () => text };
}

/** One scripted person: a straight walk, with whatever the models "see" at each time t (ms from start). */
export interface PersonScript {
  /** Visible from..to, inclusive, ms from the start of the run. */
  from: number;
  to: number;
  x0: number;
  y0: number;
  /** Pixels per second. */
  vx?: number;
  vy?: number;
  size?: number;
  /** Not detected during these [from, to] ranges (inclusive). */
  missing?: Array<[number, number]>;
  /** Head pose at time t; default frontal. */
  yaw?: (t: number, frame: number) => number;
  pitch?: (t: number) => number;
  /** Attributes the models report at time t (a person's "true" estimates). */
  age?: (t: number, frame: number) => number;
  gender?: (t: number) => { label: 'male' | 'female' | 'uncertain'; p: number };
  emotion?: (t: number) => Partial<Record<EmotionLabel, number>>;
}

const ZERO: Record<EmotionLabel, number> = { angry: 0, disgust: 0, fear: 0, happy: 0, sad: 0, surprise: 0, neutral: 0 };

/** Frames every stepMs from 0 to durationMs inclusive, each with the faces visible at that time. */
export function script(people: PersonScript[], durationMs: number, stepMs = 100, width = 640, height = 360): FrameFaces[] {
  const frames: FrameFaces[] = [];
  for (let t = 0, seq = 0; t <= durationMs; t += stepMs, seq++) {
    const faces: Face[] = [];
    for (const p of people) {
      if (t < p.from || t > p.to) continue;
      if (p.missing?.some(([a, b]) => t >= a && t <= b)) continue;
      const dt = (t - p.from) / 1000;
      const size = p.size ?? 80;
      const face: Face = {
        box: { x: p.x0 + (p.vx ?? 0) * dt, y: p.y0 + (p.vy ?? 0) * dt, width: size, height: size },
        score: 0.9,
        landmarks: [],
        pose: { yaw: p.yaw?.(t, seq) ?? 0, pitch: p.pitch?.(t) ?? 0, roll: 0 },
      };
      if (p.age) {
        const years = p.age(t, seq);
        face.age = { years, low: years - 5, high: years + 5 };
      }
      if (p.gender) face.gender = p.gender(t);
      if (p.emotion) {
        const probs = { ...ZERO, ...p.emotion(t) };
        const label = (Object.entries(probs).sort((a, b) => b[1] - a[1])[0][0] as EmotionLabel) ?? 'neutral';
        face.emotion = { label, probs };
      }
      faces.push(face);
    }
    frames.push({ seq, monoMs: BASE_MONO + t, wallMs: BASE_WALL + t, width, height, faces, timingsMs: {} });
  }
  return frames;
}

export interface AudienceHarness {
  config: GlanceConfig;
  bus: EventBus<GlanceEvents>;
  health: HealthRegistry;
  stage: AudienceStage;
  visits: Visit[];
  /** Frame time (ms from start) at which each visit was emitted. */
  visitAt: number[];
  lives: LiveView[];
  /** Feeds frames through the bus as inference would. */
  feed: (frames: FrameFaces[]) => void;
  stop: () => Promise<void>;
}

export async function audience(yaml = ''): Promise<AudienceHarness> {
  const config = parseConfig(yaml);
  const { log } = quietLogger();
  const bus = new EventBus<GlanceEvents>(log);
  const health = new HealthRegistry();
  const stage = new AudienceStage({ config: config.audience, privacy: config.privacy, log, bus, health });
  const visits: Visit[] = [];
  const visitAt: number[] = [];
  const lives: LiveView[] = [];
  let now = 0;
  bus.on('visit', (v) => {
    visits.push(v);
    visitAt.push(now);
  });
  bus.on('live', (l) => lives.push(l));
  await stage.start();
  return {
    config,
    bus,
    health,
    stage,
    visits,
    visitAt,
    lives,
    feed: (frames) => {
      for (const f of frames) {
        now = f.wallMs - BASE_WALL;
        bus.emit('faces', f);
      }
    },
    stop: () => stage.stop(),
  };
}
