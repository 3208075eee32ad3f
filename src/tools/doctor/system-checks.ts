import { statfs, mkdir, access, constants, readdir } from 'node:fs/promises';
import net from 'node:net';
import type { GlanceConfig } from '../../config/schema.ts';
import type { CheckResult } from './check.ts';

/** Node.js 20 or newer: the runtime the dependencies are built and tested for. */
export async function checkNode(): Promise<CheckResult> {
  const major = Number(process.versions.node.split('.')[0]);
  return { name: 'node', status: major >= 20 ? 'ok' : 'fail', detail: `v${process.versions.node} (${process.arch})` };
}

/** The data directory exists (or can be made), is writable and has room. */
export async function checkDisk(config: GlanceConfig): Promise<CheckResult> {
  const dir = config.storage.dataDir;
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (err) {
    return { name: 'data dir', status: 'fail', detail: `${dir} is not writable: ${(err as NodeJS.ErrnoException).code}` };
  }
  const s = await statfs(dir);
  const freeMb = Math.round((s.bavail * s.bsize) / 1e6);
  return {
    name: 'disk space',
    status: freeMb < 50 ? 'fail' : freeMb < 500 ? 'warn' : 'ok',
    detail: `${freeMb} MB free in ${dir}`,
  };
}

/**
 * Aggregates are keyed by wall-clock minute: a box that booted without RTC or NTP (clock in 1970
 * or far behind) would file hours of data under the wrong day.
 */
export async function checkClock(): Promise<CheckResult> {
  const now = new Date();
  const built = new Date('2026-01-01T00:00:00Z');
  const sane = now > built && now.getUTCFullYear() < 2100;
  return { name: 'clock', status: sane ? 'ok' : 'fail', detail: `${now.toISOString()}${sane ? '' : ' looks wrong: sync the clock (NTP)'}` };
}

/** Video devices visible to this user (USB cameras, Jetson CSI through V4L2). */
export async function checkCameras(config: GlanceConfig): Promise<CheckResult> {
  const devices = (await readdir('/dev').catch(() => [] as string[])).filter((d) => /^video\d+$/.test(d)).map((d) => `/dev/${d}`);
  const needsCamera = /^(v4l2|libcamera|auto)/.test(config.capture.source);
  if (devices.length === 0) {
    return {
      name: 'cameras',
      status: config.capture.source.startsWith('v4l2') ? 'fail' : needsCamera ? 'warn' : 'ok',
      detail: `no /dev/video* devices; capture.source is ${config.capture.source}`,
    };
  }
  return { name: 'cameras', status: 'ok', detail: devices.join(', ') };
}

/** The dashboard port can be bound (or is already served by a running glance). */
export async function checkPort(name: string, host: string, port: number): Promise<CheckResult> {
  const free = await new Promise<boolean>((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
  return free ? { name, status: 'ok', detail: `${host}:${port} is free` } : { name, status: 'warn', detail: `${host}:${port} is in use (fine if glance is running)` };
}

/** Reachability of an external MQTT broker: a TCP connect with a timeout, nothing sent. */
export async function checkBrokerTcp(url: string): Promise<CheckResult> {
  const u = new URL(url);
  const port = Number(u.port) || (u.protocol === 'mqtts:' || u.protocol === 'ssl:' ? 8883 : 1883);
  const ok = await new Promise<string | null>((resolve) => {
    const socket = net.connect({ host: u.hostname, port, timeout: 3000 });
    socket.once('connect', () => (socket.destroy(), resolve(null)));
    socket.once('timeout', () => (socket.destroy(), resolve('timed out')));
    socket.once('error', (err) => resolve((err as NodeJS.ErrnoException).code ?? err.message));
  });
  return ok === null ? { name: 'mqtt broker', status: 'ok', detail: `${u.hostname}:${port} reachable` } : { name: 'mqtt broker', status: 'fail', detail: `${u.hostname}:${port} unreachable: ${ok}` };
}
