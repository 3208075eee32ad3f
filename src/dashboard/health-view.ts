import type { EventBus } from '../core/bus.ts';
import type { HealthRegistry } from '../core/health.ts';
import type { GlanceEvents, LiveView } from '../core/types.ts';
import { healthMessage } from '../telemetry/health/message.ts';
import { ProcessStats } from '../telemetry/health/process-stats.ts';
import { WatchersWindow } from '../telemetry/health/watchers-window.ts';

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

  constructor(
    private readonly bus: EventBus<GlanceEvents>,
    private readonly health: HealthRegistry,
    private readonly deviceId: string,
    dataDir: string | null,
    private readonly now: () => number = Date.now,
  ) {
    this.process = new ProcessStats(dataDir);
    bus.on('live', (view) => (this.latestLive = view), this);
    bus.on('contentChanged', (c) => (this.contentId = c.contentId), this);
    bus.on('minuteClosed', (m) => this.watchers.add(m), this);
  }

  message() {
    return healthMessage(
      this.deviceId,
      {
        snapshot: this.health.snapshot(),
        process: this.process.read(),
        mqttFallback: () => ({ connected: false, enabled: false }),
        contentId: this.contentId,
        latestLive: this.latestLive,
        watchersLastHour: this.watchers.lastHour,
      },
      this.now(),
    );
  }

  close(): void {
    this.bus.removeListeners(this);
  }
}
