import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import { parseConfig } from '../../src/config/load.ts';
import type { GlanceConfig } from '../../src/config/schema.ts';
import { EventBus } from '../../src/core/bus.ts';
import { HealthRegistry } from '../../src/core/health.ts';
import type { EmotionLabel, GlanceEvents, Visit } from '../../src/core/types.ts';
import { StoreStage } from '../../src/telemetry/store/stage.ts';
import { resolveAuthPolicy } from '../../src/dashboard/auth-policy.ts';
import { build } from '../../src/dashboard/server.ts';
import { DashboardStage } from '../../src/dashboard/stage.ts';

/** A logger whose JSON lines the test can read back (to check nothing secret was logged). */
export function captureLogger(level = 'debug'): { log: Logger; lines: () => string } {
  let text = '';
  const sink = new Writable({
    write(chunk, _enc, done) {
      text += chunk;
      done();
    },
  });
  return { log: pino({ level }, sink), lines: () => text };
}

export interface Harness {
  app: FastifyInstance;
  config: GlanceConfig;
  bus: EventBus<GlanceEvents>;
  health: HealthRegistry;
  /** The real store stage on a temp SQLite file, subscribed to the same bus. */
  storeStage: StoreStage;
  logs: () => string;
  close: () => Promise<void>;
}

/**
 * A started StoreStage on a fresh temp directory (a real SQLite file), listening on bus. Minutes close
 * only when a test calls storeStage.tick() (its own timer is an hour), so what is still open is known.
 */
export async function startStore(config: GlanceConfig, bus: EventBus<GlanceEvents>, health: HealthRegistry, log: Logger): Promise<{ storeStage: StoreStage; dir: string }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'glance-dash-'));
  config.storage.dataDir = dir;
  const storeStage = new StoreStage({ config: config.storage, privacy: config.privacy, log, bus, health, closeDelayMs: 0, tickMs: 3_600_000 });
  await storeStage.start(new AbortController().signal);
  return { storeStage, dir };
}

/**
 * What app.ts gives the dashboard, from YAML config text: its config sections, a logger the test can
 * read, and a bus and health registry with a started real store on them.
 */
export async function dashboardWiring(yaml: string, logLevel?: string) {
  const config = parseConfig(yaml);
  const { log, lines } = captureLogger(logLevel);
  const bus = new EventBus<GlanceEvents>(log);
  const health = new HealthRegistry();
  const { storeStage, dir } = await startStore(config, bus, health, log);
  const deps = { config: config.dashboard, device: config.device, privacy: config.privacy, mqtt: config.mqtt, fullConfig: config, log, bus, health };
  return { config, lines, bus, health, storeStage, dir, deps };
}

/** A dashboard stage after a real store stage, as app.ts wires them; both are stopped at teardown. */
export async function dashboardStage(t: { teardown: (fn: () => Promise<void>) => void }, yaml: string) {
  const { lines, bus, health, storeStage, dir, deps } = await dashboardWiring(yaml, 'info');
  const s = new DashboardStage({ ...deps, storeStage, dataDir: dir, env: {} });
  t.teardown(async () => {
    await s.stop();
    await storeStage.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  return { stage: s, logs: lines, health, bus };
}

/** Builds the dashboard from YAML config text, on a real store (temp SQLite file) fed by the same bus. */
export async function harness(yaml = '', opts: { now?: () => number } = {}): Promise<Harness> {
  const { config, lines, bus, health, storeStage, dir, deps } = await dashboardWiring(yaml);
  const app = await build({ ...deps, data: storeStage.store!, auth: resolveAuthPolicy(config.dashboard, {}), now: opts.now });
  let closed = false;
  return {
    app,
    config,
    bus,
    health,
    storeStage,
    logs: lines,
    close: async () => {
      if (closed) return;
      closed = true;
      await app.close();
      await storeStage.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const BANDS = ['18-24', '25-34', '35-44', '45-54', '55-64', '65+'];
const BAND_WEIGHT = [3, 5, 4, 3, 2, 1];
const EMOTION_MIX: EmotionLabel[] = ['happy', 'happy', 'happy', 'neutral', 'neutral', 'neutral', 'neutral', 'surprise', 'sad', 'angry'];
const CONTENT = ['spring-sale', 'new-arrivals', 'loyalty-card'];

/** A fixed pseudo-random number in [0, 1) per (i, salt): synthetic data that is varied yet reproducible. */
function hash01(i: number, salt: number): number {
  let x = Math.imul(i + 1, 0x9e3779b1) ^ Math.imul(salt + 1, 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 15), 0x2c1b3c6d);
  x = Math.imul(x ^ (x >>> 12), 0x297a2d39);
  return ((x ^ (x >>> 15)) >>> 0) / 2 ** 32;
}

/**
 * A deterministic visit for person i ending at endedAt: a realistic mix of bands, genders, emotions
 * and content, about a third of them watchers (more for the first content).
 */
export function syntheticVisit(i: number, endedAt: number): Visit {
  const weighted = BANDS.flatMap((b, k) => Array(BAND_WEIGHT[k]).fill(b) as string[]);
  const contentId = CONTENT[Math.floor(hash01(i, 1) * CONTENT.length)];
  const watcher = hash01(i, 2) < (contentId === 'spring-sale' ? 0.45 : 0.28);
  const dwellS = Math.round((2 + hash01(i, 3) * 12) * 10) / 10;
  const emotion = EMOTION_MIX[Math.floor(hash01(i, 4) * EMOTION_MIX.length)];
  const g = hash01(i, 5);
  return {
    startedAt: endedAt - dwellS * 1000,
    endedAt,
    dwellS,
    attentionS: watcher ? Math.round((1 + hash01(i, 6) * 5) * 10) / 10 : 0,
    watcher,
    ageBand: weighted[Math.floor(hash01(i, 7) * weighted.length)],
    gender: g < 0.08 ? 'unknown' : g < 0.55 ? 'female' : 'male',
    emotions: { [emotion]: 1 },
    dominantEmotion: emotion,
    contentId,
  };
}

/**
 * Fills today with visits through the bus, as the audience stage would emit them, then lets the store
 * close those minutes. Visits are spread over the last `hours` (but not before local midnight, so
 * they all count as "today" in the browser), more around the middle: a plausible day's shape.
 */
export function seedToday(h: Harness, opts: { visits?: number; hours?: number; now?: number } = {}): number {
  const now = opts.now ?? Date.now();
  const midnight = new Date(now);
  midnight.setHours(0, 0, 0, 0);
  const start = Math.max(midnight.getTime(), now - (opts.hours ?? 6) * 3_600_000);
  const n = opts.visits ?? 400;
  for (let i = 0; i < n; i++) {
    const u = (i + 0.5) / n;
    // Denser in the middle of the span.
    const shaped = u < 0.5 ? 2 * u * u : 1 - 2 * (1 - u) * (1 - u);
    h.bus.emit('visit', syntheticVisit(i, Math.floor(start + shaped * (now - start - 1))));
  }
  h.storeStage.tick(now + 120_000);
  return n;
}
