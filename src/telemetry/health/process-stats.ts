import { readdirSync, readFileSync, statfsSync } from 'node:fs';
import type { ProcessFigures } from './message.ts';

/**
 * Process and board figures for the health message: this process's CPU use since the previous reading
 * (100 = one full core), resident memory, the hottest readable thermal zone, free space where the
 * database lives, and process uptime. Anything unreadable on this board is null, never an error.
 */
export class ProcessStats {
  private lastCpu = process.cpuUsage();
  private lastWall = performance.now();

  constructor(
    private readonly dataDir: string | null,
    private readonly thermalRoot = '/sys/class/thermal',
  ) {}

  read(): ProcessFigures {
    const cpu = process.cpuUsage();
    const wall = performance.now();
    const usedMs = (cpu.user - this.lastCpu.user + cpu.system - this.lastCpu.system) / 1000;
    const elapsedMs = wall - this.lastWall;
    this.lastCpu = cpu;
    this.lastWall = wall;
    return {
      cpu_percent: elapsedMs > 0 ? Math.round((usedMs / elapsedMs) * 1000) / 10 : 0,
      rss_bytes: process.memoryUsage.rss(),
      temperature_c: this.temperature(),
      disk_free_bytes: this.diskFree(),
      uptime_s: Math.round(process.uptime()),
    };
  }

  private diskFree(): number | null {
    if (!this.dataDir) return null;
    try {
      const fs = statfsSync(this.dataDir);
      return fs.bavail * fs.bsize;
    } catch {
      return null;
    }
  }

  private temperature(): number | null {
    let zones: string[];
    try {
      zones = readdirSync(this.thermalRoot).filter((z) => z.startsWith('thermal_zone'));
    } catch {
      return null;
    }
    let hottest: number | null = null;
    for (const zone of zones) {
      try {
        const milli = Number(readFileSync(`${this.thermalRoot}/${zone}/temp`, 'utf8'));
        if (Number.isFinite(milli) && milli > 0) hottest = Math.max(hottest ?? -Infinity, Math.round(milli / 100) / 10);
      } catch {
        /* unreadable zone (permissions, virtual sensor): skip it */
      }
    }
    return hottest;
  }
}
