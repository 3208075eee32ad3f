/**
 * The real daemon (bin/glance.js run) with a temp config, for the fault suite: loopback only,
 * dashboard on a free port, demo camera, no GPU. Bounded: every wait has a timeout and teardown
 * kills the process.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { glanceBin, spawnTs, type Spawned } from '../test/helpers/process.ts';

// The fault tests import their waits from here, with the daemon they wait on.

export interface Daemon {
  proc: Spawned;
  url: string;
  dir: string;
  health(): Promise<Health>;
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface Health {
  rss_bytes: number;
  content_id: string | null;
  /** The MQTT stage's probe (not under probes). */
  mqtt: { connected: boolean; inputs_rejected: number; outbox_depth: number; outbox_dropped: number; outbox_acked: number; in_flight: number; commands: number };
  probes: {
    store: { open: boolean; writeErrors: number; lastError: string | null; lastClosedMinute: string | null };
    audience: { frames: number; lastFrameAt: string | null };
    capture: { state: string; captured: number; restarts: number; lastError: string | null };
    [k: string]: unknown;
  };
}

type T = { teardown: (fn: () => void | Promise<void>) => void };

export function tempDir(t: T, prefix = 'glance-fault-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Starts the daemon with `yaml` appended to a loopback-only base config; resolves once the dashboard listens. */
export async function startDaemon(t: T, yaml: string, opts: { dir?: string; dataDir?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Daemon> {
  const dir = opts.dir ?? tempDir(t);
  const config = path.join(dir, 'glance.yaml');
  const base = [`storage: { dataDir: "${opts.dataDir ?? path.join(dir, 'data')}" }`, 'inference: { providers: [cpu], intraOpThreads: 1 }'];
  writeFileSync(config, `${[...base, yaml].join('\n')}\n`);
  const proc = spawnTs(glanceBin, ['run', '--config', config], { GLANCE_CONFIG: '', ...opts.env });
  t.teardown(() => {
    proc.child.kill('SIGKILL');
  });
  await proc.waitFor(/dashboard listening on http:\/\/127\.0\.0\.1:\d+/, 60_000);
  const url = /dashboard listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(proc.stdout() + proc.stderr())![1];
  // Every stage started (models loaded, camera streaming): the probes are all registered.
  await proc.waitFor(/"msg":"glance ready"/, 90_000);
  const health = async () => {
    const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(10_000) });
    if (res.status !== 200) throw new Error(`/api/health ${res.status}`);
    return (await res.json()) as Health;
  };
  const stop = async () => {
    proc.child.kill('SIGTERM');
    const timer = setTimeout(() => proc.child.kill('SIGKILL'), 20_000);
    const exit = await proc.exited;
    clearTimeout(timer);
    return exit;
  };
  return { proc, url, dir, health, stop };
}

/** The daemon's ffmpeg children (the capture source). */
export function ffmpegChildren(pid: number): number[] {
  let kids: number[] = [];
  try {
    kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
  return kids.filter((k) => {
    try {
      return readFileSync(`/proc/${k}/comm`, 'utf8').trim().startsWith('ffmpeg');
    } catch {
      return false;
    }
  });
}
