import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

/**
 * Process and board figures for the device-health panel and /metrics: CPU use of this process since
 * the previous reading, resident memory, load, and the hottest thermal zone (Jetson and most x86
 * boards expose /sys/class/thermal; absent zones give null rather than an error).
 */
export class SystemStats {
  private lastCpu = process.cpuUsage();
  private lastWall = performance.now();

  constructor(private readonly thermalRoot = '/sys/class/thermal') {}

  read(): { cpuPercent: number; rssBytes: number; load1: number; cores: number; temperatureC: number | null } {
    const cpu = process.cpuUsage();
    const wall = performance.now();
    const usedMs = (cpu.user - this.lastCpu.user + cpu.system - this.lastCpu.system) / 1000;
    const elapsedMs = wall - this.lastWall;
    this.lastCpu = cpu;
    this.lastWall = wall;
    return {
      cpuPercent: elapsedMs > 0 ? Math.round((usedMs / elapsedMs) * 1000) / 10 : 0,
      rssBytes: process.memoryUsage.rss(),
      load1: Math.round(os.loadavg()[0] * 100) / 100,
      cores: os.availableParallelism(),
      temperatureC: this.temperature(),
    };
  }

  private temperature(): number | null {
    let hottest: number | null = null;
    let zones: string[];
    try {
      zones = readdirSync(this.thermalRoot).filter((z) => z.startsWith('thermal_zone'));
    } catch {
      return null;
    }
    for (const zone of zones) {
      try {
        const milli = Number(readFileSync(`${this.thermalRoot}/${zone}/temp`, 'utf8'));
        if (Number.isFinite(milli) && milli > 0) hottest = Math.max(hottest ?? -Infinity, milli / 1000);
      } catch {
        /* unreadable zone: skip */
      }
    }
    return hottest;
  }
}
