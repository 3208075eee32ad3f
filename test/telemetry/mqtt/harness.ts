import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { pino, type Logger } from 'pino';
import { parseConfig } from '../../../src/config/load.ts';
import type { GlanceConfig } from '../../../src/config/schema.ts';
import { EventBus } from '../../../src/core/bus.ts';
import { HealthRegistry } from '../../../src/core/health.ts';
import type { GlanceEvents, MinuteClosed, Visit } from '../../../src/core/types.ts';
import type { SqliteDatabase } from '../../../src/telemetry/mqtt/outbox.ts';
import { MqttStage } from '../../../src/telemetry/mqtt/stage.ts';
import { OUTBOX_TABLE_SQL } from '../../../src/telemetry/store/migrations.ts';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

type Db = SqliteDatabase & { exec(sql: string): void; close(): void; pragma(s: string): unknown };
const BetterSqlite = createRequire(import.meta.url)('better-sqlite3') as new (file: string) => Db;

/**
 * A real SQLite file with the outbox table, created with the store's migration 2 SQL (the store owns
 * it in production; these tests only need the table). A reopened file keeps the table it has.
 */
export function openDb(file: string): Db {
  const db = new BetterSqlite(file);
  db.pragma('journal_mode = WAL');
  const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name = 'outbox'").all();
  if (tables.length === 0) db.exec(OUTBOX_TABLE_SQL);
  return db;
}

const tempDirs: string[] = [];
process.once('exit', () => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

/** A fresh directory under the OS temp dir, removed when the test process exits. */
export function tempDir(prefix = 'glance-mqtt-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** A logger whose JSON lines the test can read back. */
export function captureLogger(level = 'debug'): { log: Logger; lines: () => string; entries: () => Array<Record<string, unknown>> } {
  let text = '';
  const sink = new Writable({
    write(chunk, _enc, done) {
      text += chunk;
      done();
    },
  });
  return {
    log: pino({ level }, sink),
    lines: () => text,
    entries: () =>
      text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

export interface StageHarness {
  stage: MqttStage;
  config: GlanceConfig;
  bus: EventBus<GlanceEvents>;
  health: HealthRegistry;
  db: Db;
  logs: () => string;
  entries: () => Array<Record<string, unknown>>;
  probe: () => Record<string, number | string | boolean | null>;
  stop: () => Promise<void>;
}

/** Starts the real MqttStage from YAML config on a real SQLite file. */
export async function startStage(yaml: string, opts: { dir?: string; env?: NodeJS.ProcessEnv } = {}): Promise<StageHarness> {
  const dir = opts.dir ?? tempDir();
  const config = parseConfig(yaml);
  const db = openDb(path.join(dir, 'glance.db'));
  const { log, lines, entries } = captureLogger();
  const bus = new EventBus<GlanceEvents>(log);
  const health = new HealthRegistry();
  const stage = new MqttStage({ config: config.mqtt, device: config.device, log, bus, health, storeStage: { store: { db } }, env: opts.env ?? {} });
  await stage.start(new AbortController().signal);
  let stopped = false;
  return {
    stage,
    config,
    bus,
    health,
    db,
    logs: lines,
    entries,
    probe: () => health.snapshot().mqtt as Record<string, number | string | boolean | null>,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await stage.stop();
      db.close();
    },
  };
}

let visitSeq = 0;
/** A plausible completed visit; `n` makes its times distinct. */
export function visit(n = visitSeq++, overrides: Partial<Visit> = {}): Visit {
  const endedAt = Date.UTC(2025, 0, 1, 12, 0, 0) + n * 1000;
  return {
    startedAt: endedAt - 4200,
    endedAt,
    dwellS: 4.2,
    attentionS: 1.5,
    watcher: true,
    ageBand: '25-34',
    gender: 'female',
    emotions: { happy: 0.7, neutral: 0.3 },
    dominantEmotion: 'happy',
    contentId: 'promo-1',
    ...overrides,
  };
}

/** The last minute of the 11:00 hour as the store emits it: its totals, and the hour it closed. */
export function lastMinuteOfHour(): MinuteClosed {
  return {
    minute: '2025-01-01T11:59:00Z',
    totals: { frames: 600, faces: 20, passersBy: 2, watchers: 1, dwellS: 7.25, attentionS: 3 },
    periods: [
      {
        periodStart: '2025-01-01T11:00:00Z',
        durationS: 3600,
        kAnonymity: 5,
        rows: [
          { ageBand: '25-34', gender: 'female', emotion: 'happy', contentId: 'promo-1', passersBy: 6, watchers: 5, dwellS: 30.25, attentionS: 12.5 },
          { ageBand: '35-44', gender: 'male', emotion: 'neutral', contentId: null, passersBy: 7, watchers: 5, dwellS: 20, attentionS: 8 },
        ],
        totals: { passersBy: 15, watchers: 11, dwellS: 55.3, attentionS: 21.5 },
      },
    ],
  };
}

export interface Received {
  topic: string;
  text: string;
  json: Record<string, unknown> | undefined;
  retain: boolean;
}

/** A back-office subscriber: collects every message, across reconnects, and waits for conditions. */
export class Subscriber {
  readonly messages: Received[] = [];
  private waiters = new Set<() => void>();
  readonly client: MqttClient;

  private constructor(client: MqttClient) {
    this.client = client;
    client.on('message', (topic, payload, packet) => {
      const text = payload.toString('utf8');
      let json: Record<string, unknown> | undefined;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      this.messages.push({ topic, text, json, retain: packet.retain });
      for (const w of [...this.waiters]) w();
    });
  }

  static async connect(url: string, topics: string[], options: IClientOptions = {}): Promise<Subscriber> {
    const client = mqtt.connect(url, { reconnectPeriod: 200, connectTimeout: 5000, protocolVersion: 4, ...options });
    const sub = new Subscriber(client);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`subscriber could not connect to ${url}`)), 10000);
      client.once('connect', () => {
        client.subscribe(topics, { qos: 1 }, (err) => {
          clearTimeout(timer);
          if (err) reject(err);
          else resolve();
        });
      });
    });
    return sub;
  }

  on(topic: string): Received[] {
    return this.messages.filter((m) => m.topic === topic);
  }

  async waitFor(what: string, predicate: () => boolean, timeoutMs = 10000): Promise<void> {
    if (predicate()) return;
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!predicate()) return;
        this.waiters.delete(check);
        clearTimeout(timer);
        clearInterval(poll);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        clearInterval(poll);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; got ${this.messages.length} message(s): ${this.messages.map((m) => m.topic).join(', ')}`));
      }, timeoutMs);
      // Some conditions depend on the daemon's state, not on a new message: look again now and then.
      const poll = setInterval(check, 100);
      this.waiters.add(check);
    });
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.client.end(true, {}, () => resolve()));
  }
}

/** Every schema in docs/schemas, compiled once, keyed by its `schema` constant (glance.visit/1 ...). */
export function loadSchemas(): Map<string, (data: unknown) => { ok: boolean; errors: string }> {
  const Ajv = Ajv2020 as unknown as typeof import('ajv').default;
  const ajv = new Ajv({ allErrors: true, strict: true });
  const addFormats = addFormatsModule as unknown as (a: unknown) => void;
  addFormats(ajv);
  const dir = path.join(repoRoot, 'docs/schemas');
  const out = new Map<string, (data: unknown) => { ok: boolean; errors: string }>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const schema = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
    const validate = ajv.compile(schema);
    const id = schema.properties?.schema?.const as string;
    if (!id) throw new Error(`${file}: properties.schema.const is missing`);
    out.set(id, (data) => {
      const ok = validate(data) as boolean;
      return { ok, errors: ok ? '' : ajv.errorsText(validate.errors) };
    });
  }
  return out;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
