import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { HealthRegistry } from '../../core/health.ts';
import { Mailbox } from '../../core/mailbox.ts';
import type { Frame } from '../../core/types.ts';
import type { CaptureConfig } from '../../config/capture.ts';
import { CaptureStage } from '../../capture/stage.ts';

export interface CaptureBenchResult {
  source: string;
  width: number;
  height: number;
  pace: CaptureConfig['pace'];
  frames: number;
  seconds: number;
  fps: number;
  /** CPU time over wall time, in % of one core: this process, the source processes, both. */
  cpu: { node: number; source: number; total: number };
  dropped: number;
  restarts: number;
}

/** Linux reports process CPU time in clock ticks, 100 per second on every mainstream kernel build. */
const CLOCK_TICKS_PER_S = 100;

/** utime + stime of a process in ms, from /proc (0 when it is gone or not on Linux). */
export function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces; fields after its closing parenthesis are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_S;
  } catch {
    return 0;
  }
}

/**
 * Runs the real CaptureStage on a source with a consumer that takes every frame it can (as
 * inference would, minus the work) and measures, after the first frame, how fast frames arrive and
 * what CPU that costs. A restart during the run makes the source CPU figure a lower bound.
 */
export async function benchCapture(config: CaptureConfig, frameCount: number, log: Logger, timeoutMs = 300_000): Promise<CaptureBenchResult> {
  const frames = new Mailbox<Frame>();
  const health = new HealthRegistry();
  const stage = new CaptureStage({ config, log, frames, health });
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    await stage.start(abort.signal);
    const first = await frames.take(abort.signal);
    if (!first) throw new Error(`no frame within ${timeoutMs} ms (${stage.health().lastError ?? 'no error reported'})`);
    const startSeq = first.seq;
    const pids = [...stage.sourcePids];
    const sourceCpu0 = pids.reduce((sum, pid) => sum + processCpuMs(pid), 0);
    const nodeCpu0 = process.cpuUsage();
    const t0 = performance.now();
    let last = first;
    let sourceCpu1 = sourceCpu0;
    let sampledAt = t0;
    while (last.seq - startSeq < frameCount) {
      // Sampled while the processes still exist (a finished process has no /proc entry), but not
      // per frame: reading /proc thousands of times a second would be the benchmark's own cost.
      if (performance.now() - sampledAt > 200) {
        sampledAt = performance.now();
        sourceCpu1 = pids.reduce((sum, pid) => sum + processCpuMs(pid), 0) || sourceCpu1;
      }
      const frame = await frames.take(abort.signal);
      if (!frame) break;
      last = frame;
      if (stage.health().state === 'ended') break;
    }
    sourceCpu1 = pids.reduce((sum, pid) => sum + processCpuMs(pid), 0) || sourceCpu1;
    const wallMs = last.monoMs - first.monoMs;
    const nodeCpu = process.cpuUsage(nodeCpu0);
    const nodeMs = (nodeCpu.user + nodeCpu.system) / 1000;
    const pct = (ms: number) => (wallMs > 0 ? Math.round((ms / wallMs) * 1000) / 10 : 0);
    const counted = last.seq - startSeq;
    const h = stage.health();
    return {
      source: h.source,
      width: config.width,
      height: config.height,
      pace: config.pace,
      frames: counted,
      seconds: Math.round(wallMs) / 1000,
      fps: wallMs > 0 ? Math.round((counted * 10000) / wallMs) / 10 : 0,
      cpu: { node: pct(nodeMs), source: pct(sourceCpu1 - sourceCpu0), total: pct(nodeMs + sourceCpu1 - sourceCpu0) },
      dropped: h.dropped,
      restarts: h.restarts,
    };
  } finally {
    clearTimeout(timer);
    await stage.stop();
    frames.close();
  }
}

export function formatCaptureBench(r: CaptureBenchResult): string {
  return (
    `capture ${r.source} → ${r.width}x${r.height} rgb24 (${r.pace}): ${r.frames} frames in ${r.seconds.toFixed(2)} s = ${r.fps.toFixed(1)} frames/s; ` +
    `CPU ${r.cpu.total.toFixed(0)}% of one core (source processes ${r.cpu.source.toFixed(0)}%, node ${r.cpu.node.toFixed(0)}%)` +
    (r.restarts ? `; ${r.restarts} restarts` : '')
  );
}
