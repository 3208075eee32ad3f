import type { EventBus } from '../core/bus.ts';
import type { HealthRegistry } from '../core/health.ts';
import type { GlanceEvents, LiveView } from '../core/types.ts';
import { healthMessage } from '../telemetry/mqtt/messages.ts';
import { ProcessStats } from '../telemetry/mqtt/process-stats.ts';
import { WatchersWindow } from '../telemetry/mqtt/watchers-window.ts';

/** A live view older than this no longer says who is in view (same rule as MQTT). */
const LIVE_STALE_MS = 10_000;

/**
 * /api/health: the same message MQTT publishes as `health` (glance.health/1), built by the same
 * builder from the same inputs: process figures, the shared health snapshot, the content playing,
 * people in view and watchers over the last hour of closed minutes. The dashboard keeps its own
 * copies of those inputs from the bus, so it answers even with MQTT disabled or disconnected.
 */
export class HealthView {
  private readonly process: ProcessStats;
  private readonly watchers = new WatchersWindow();
  private contentId: string | null = null;
  private latestLive: LiveView | undefined;
  private readonly unsubscribe: Array<() => void>;

  constructor(
    bus: EventBus<GlanceEvents>,
    private readonly health: HealthRegistry,
    private readonly deviceId: string,
    dataDir: string | null,
    private readonly now: () => number = Date.now,
  ) {
    this.process = new ProcessStats(dataDir);
    this.unsubscribe = [
      bus.on('live', (view) => (this.latestLive = view)),
      bus.on('contentChanged', (c) => (this.contentId = c.contentId)),
      bus.on('minuteClosed', (m) => this.watchers.add(m)),
    ];
  }

  message() {
    const { mqtt, uptime_s: _uptime, ...probes } = this.health.snapshot();
    void _uptime;
    const live = this.latestLive;
    return healthMessage(
      this.deviceId,
      {
        process: this.process.read(),
        mqtt: (mqtt as Record<string, unknown> | undefined) ?? { connected: false, enabled: false },
        probes,
        contentId: this.contentId,
        peopleInView: live && this.now() - live.wallMs < LIVE_STALE_MS ? live.people.length : null,
        watchersLastHour: this.watchers.lastHour,
      },
      this.now(),
    );
  }

  close(): void {
    for (const off of this.unsubscribe.splice(0)) off();
  }
}
