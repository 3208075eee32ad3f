import type { PipelineBenchResult } from './pipeline.ts';

export function formatPipelineBench(r: PipelineBenchResult): string {
  const s = r.stageMs;
  return [
    `pipeline ${r.source} → ${r.width}x${r.height}: ${r.frames} frames in ${r.seconds.toFixed(2)} s = ${r.fps.toFixed(1)} frames/s end-to-end (${r.dropped} dropped by the mailbox)`,
    `  ms/frame: decode ${s.decode} (ffmpeg CPU) · detect ${s.detect} · landmarks ${s.landmarks} · attributes ${s.attributes} · tracking ${s.tracking} · store ${s.store}`,
    `  latency capture→audience: p50 ${r.latencyMs.p50} ms · p95 ${r.latencyMs.p95} ms · p99 ${r.latencyMs.p99} ms · event-loop delay p50 ${r.eventLoopDelayMs.p50} ms, p99 ${r.eventLoopDelayMs.p99} ms, max ${r.eventLoopDelayMs.max} ms`,
    `  faces/frame ${r.facesPerFrame} · CPU ${r.cpu.total}% of one core (node ${r.cpu.node}%, ffmpeg ${r.cpu.source}%) · peak RSS ${r.peakRssMb} MB · load ${r.loadAverage.join(' ')}`,
    `  RSS peak per fifth of the run ${r.rssGrowthMb.fifths.join(' → ')} MB (growth ${r.rssGrowthMb.growth} MB)`,
    `  providers: ${Object.entries(r.providers)
      .map(([m, p]) => `${m}=${p}`)
      .join(' ')}`,
  ].join('\n');
}
