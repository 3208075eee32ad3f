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
import type { GlanceEvents } from '../../src/core/types.ts';
import { resolveAuthPolicy } from '../../src/dashboard/auth-policy.ts';
import type { DashboardDataSource } from '../../src/dashboard/data-source.ts';
import { build } from '../../src/dashboard/server.ts';

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
  logs: () => string;
  close: () => Promise<void>;
}

/** Builds the dashboard from YAML config text, on a real store in a fresh temp directory. */
export async function harness(yaml = '', opts: { now?: () => number; data?: (dir: string, config: GlanceConfig) => DashboardDataSource } = {}): Promise<Harness> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'glance-dash-'));
  const config = parseConfig(yaml);
  config.storage.dataDir = dir;
  const { log, lines } = captureLogger();
  const bus = new EventBus<GlanceEvents>(log);
  const health = new HealthRegistry();
  const data = (opts.data ?? openStoreSource)(dir, config);
  const app = await build({
    config: config.dashboard,
    device: config.device,
    privacy: config.privacy,
    fullConfig: config,
    log,
    bus,
    health,
    data,
    auth: resolveAuthPolicy(config.dashboard, {}),
    now: opts.now,
  });
  return {
    app,
    config,
    bus,
    health,
    logs: lines,
    close: async () => {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Placeholder until the telemetry Store lands: replaced by the real Store on a temp SQLite file. */
export function openStoreSource(): DashboardDataSource {
  return {
    summary: () => ({ passersBy: 0, watchers: 0, attentionS: 0, dwellS: 0, byContent: [], byAgeGender: [] }),
    timeseries: () => ({ buckets: [], series: [] }),
  };
}
