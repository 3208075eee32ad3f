import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { EventBus } from '../core/bus.ts';
import type { HealthRegistry } from '../core/health.ts';
import type { GlanceEvents } from '../core/types.ts';
import { ProcessStats } from '../telemetry/health/process-stats.ts';

const LATENCY_BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.035, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1, 2.5];

/**
 * The Prometheus view of the daemon, on a registry of its own (never prom-client's global default,
 * so two dashboards in one test process or a library's metrics cannot collide). Pipeline counters
 * and inference latencies come from the bus; gauges read the shared health snapshot at scrape time,
 * so /metrics, /api/health and MQTT `health` always agree.
 */
export class DashboardMetrics {
  readonly registry = new Registry();
  private lastFps = 0;
  private peopleInView = 0;
  private cached: { at: number; value: Record<string, unknown> } | undefined;
  private readonly board = new ProcessStats(null);

  constructor(
    private readonly bus: EventBus<GlanceEvents>,
    private readonly health: HealthRegistry,
    liveClients: () => number,
  ) {
    const registers = [this.registry];
    const frames = new Counter({ name: 'glance_frames_analyzed_total', help: 'frames that went through face analysis', registers });
    const faces = new Counter({ name: 'glance_faces_detected_total', help: 'faces found, summed over analysed frames', registers });
    const latency = new Histogram({
      name: 'glance_inference_latency_seconds',
      help: 'time spent per model per frame',
      labelNames: ['model'],
      buckets: LATENCY_BUCKETS_S,
      registers,
    });
    const visits = new Counter({ name: 'glance_visits_total', help: 'completed visits (people who passed)', labelNames: ['watcher'], registers });
    const minutes = new Counter({ name: 'glance_minutes_closed_total', help: 'aggregate minutes closed', registers });
    bus.on(
      'faces',
      (f) => {
        frames.inc();
        faces.inc(f.faces.length);
        for (const [model, ms] of Object.entries(f.timingsMs)) {
          if (Number.isFinite(ms) && ms >= 0) latency.observe({ model }, ms / 1000);
        }
      },
      this,
    );
    bus.on('visit', (v) => visits.inc({ watcher: String(v.watcher) }), this);
    bus.on('minuteClosed', () => minutes.inc(), this);
    bus.on(
      'live',
      (l) => {
        this.lastFps = Number.isFinite(l.fps) ? l.fps : 0;
        this.peopleInView = l.people.length;
      },
      this,
    );

    new Gauge({ name: 'glance_fps', help: 'analysed frames per second (as reported by the live view)', registers, collect: gauge((g) => g.set(this.lastFps)) });
    new Gauge({ name: 'glance_people_in_view', help: 'people in view now', registers, collect: gauge((g) => g.set(this.peopleInView)) });
    new Gauge({ name: 'glance_dashboard_live_clients', help: 'open /api/live streams', registers, collect: gauge((g) => g.set(liveClients())) });

    new Gauge({
      name: 'glance_uptime_seconds',
      help: 'seconds since the daemon started',
      registers,
      collect: gauge((g) => g.set(Number(this.snapshot().uptime_s) || 0)),
    });
    new Gauge({
      name: 'glance_outbox_depth',
      help: 'MQTT messages waiting in the outbox (persisted while the broker is unreachable)',
      registers,
      collect: gauge((g) => {
        const depth = outboxDepth(this.snapshot());
        if (depth !== undefined) g.set(depth);
      }),
    });
    new Gauge({
      name: 'glance_health_value',
      help: 'every numeric or boolean field of the health snapshot, by probe and field',
      labelNames: ['probe', 'field'],
      registers,
      collect: gauge((g) => {
        g.reset();
        for (const [probe, field, value] of numericLeaves(this.snapshot())) g.set({ probe, field }, value);
      }),
    });
    new Gauge({ name: 'process_resident_memory_bytes', help: 'resident memory size in bytes', registers, collect: gauge((g) => g.set(process.memoryUsage.rss())) });
    new Gauge({
      name: 'process_cpu_seconds_total',
      help: 'user and system CPU time spent in seconds',
      registers,
      collect: gauge((g) => {
        const u = process.cpuUsage();
        g.set((u.user + u.system) / 1e6);
      }),
    });
    new Gauge({
      name: 'glance_temperature_celsius',
      help: 'hottest thermal zone of the board (absent when the board exposes none)',
      registers,
      collect: gauge((g) => {
        const t = this.board.read().temperature_c;
        if (t !== null) g.set(t);
      }),
    });
  }

  /** One health snapshot serves all gauges of a scrape (probes may do a little work). */
  private snapshot(): Record<string, unknown> {
    const now = Date.now();
    if (!this.cached || now - this.cached.at > 250) this.cached = { at: now, value: this.health.snapshot() };
    return this.cached.value;
  }

  close(): void {
    this.bus.removeListeners(this);
  }
}

/** prom-client calls collect with `this` bound to the metric. */
function gauge(fn: (g: Gauge) => void): (this: Gauge) => void {
  return function (this: Gauge) {
    fn(this);
  };
}

/** The outbox depth as the MQTT probe reports it (`mqtt.outbox_depth`), if MQTT runs. */
export function outboxDepth(snapshot: Record<string, unknown>): number | undefined {
  for (const [, field, value] of numericLeaves(snapshot)) {
    if (/^outbox_?depth$/i.test(field)) return value;
  }
  return undefined;
}

/** [probe, field, value] for numeric and boolean leaves up to two levels deep. */
export function numericLeaves(snapshot: Record<string, unknown>): Array<[string, string, number]> {
  const out: Array<[string, string, number]> = [];
  for (const [probe, body] of Object.entries(snapshot)) {
    if (!body || typeof body !== 'object' || Array.isArray(body)) continue;
    for (const [key, value] of Object.entries(body)) {
      if (typeof value === 'number' && Number.isFinite(value)) out.push([probe, key, value]);
      else if (typeof value === 'boolean') out.push([probe, key, value ? 1 : 0]);
      else if (value && typeof value === 'object' && !Array.isArray(value)) {
        for (const [sub, v] of Object.entries(value)) {
          if (typeof v === 'number' && Number.isFinite(v)) out.push([probe, `${key}.${sub}`, v]);
          else if (typeof v === 'boolean') out.push([probe, `${key}.${sub}`, v ? 1 : 0]);
        }
      }
    }
  }
  return out;
}
