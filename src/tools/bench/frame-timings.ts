import type { GlanceConfig } from '../../config/schema.ts';
import type { FrameFaces } from '../../core/types.ts';
import { round } from '../../core/numbers.ts';
import { mean, percentile } from './sample-stats.ts';

export interface StageTimes {
  decode: number;
  detect: number;
  landmarks: number;
  attributes: number;
  tracking: number;
  store: number;
}

type Task = 'detect' | 'landmarks' | 'attributes';

/** Which bench stage each configured model's time counts towards (by model name, as timingsMs keys them). */
export function modelTasks(config: Pick<GlanceConfig, 'inference'>): Map<string, Task> {
  const tasks = new Map<string, Task>();
  const base = (ref: string) => ref.replace(/^.*\//, '').replace(/\.json$/, '');
  tasks.set(base(config.inference.detector), 'detect');
  tasks.set(base(config.inference.landmarks), 'landmarks');
  return tasks;
}

/**
 * Per-frame marks taken by bus listeners around the store's and the audience's own listeners, plus
 * the per-model times inference reports. Everything is kept per frame (a few numbers), so a
 * 10-minute run holds some hundred kilobytes.
 */
export class FrameTimings {
  private readonly sums: Omit<StageTimes, 'decode'> = { detect: 0, landmarks: 0, attributes: 0, tracking: 0, store: 0 };
  private readonly latencies: number[] = [];
  private readonly faces: number[] = [];
  private markStart = 0;
  private markStored = 0;

  constructor(private readonly tasks: Map<string, Task>) {}

  beforeStore(_f: FrameFaces): void {
    this.markStart = performance.now();
  }

  afterStore(): void {
    this.markStored = performance.now();
  }

  /** Called last, after the audience tracker took the frame; `now` is the time of that mark. */
  afterAudience(f: FrameFaces, now: number): void {
    this.sums.store += this.markStored - this.markStart;
    this.sums.tracking += now - this.markStored;
    for (const [name, ms] of Object.entries(f.timingsMs)) this.sums[this.tasks.get(name) ?? 'attributes'] += ms;
    this.latencies.push(now - f.monoMs);
    this.faces.push(f.faces.length);
  }

  stageMeans(decodeMsPerFrame: number): StageTimes {
    const n = Math.max(1, this.faces.length);
    const r = (v: number) => round(v / n, 2);
    return {
      decode: round(decodeMsPerFrame, 2),
      detect: r(this.sums.detect),
      landmarks: r(this.sums.landmarks),
      attributes: r(this.sums.attributes),
      tracking: r(this.sums.tracking),
      store: r(this.sums.store),
    };
  }

  latency(): { p50: number; p95: number; p99: number } {
    return { p50: round(percentile(this.latencies, 50)), p95: round(percentile(this.latencies, 95)), p99: round(percentile(this.latencies, 99)) };
  }

  facesPerFrame(): number {
    return round(mean(this.faces), 2);
  }
}
