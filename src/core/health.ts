/**
 * Stages register small probes here; MQTT `health`, the dashboard's /api/health and /metrics all read
 * the same snapshot, so the three can never disagree.
 */
export type Probe = () => Record<string, unknown>;

export class HealthRegistry {
  private readonly probes = new Map<string, Probe>();
  private readonly startedAt = Date.now();

  register(name: string, probe: Probe): void {
    this.probes.set(name, probe);
  }

  unregister(name: string): void {
    this.probes.delete(name);
  }

  snapshot(): Record<string, unknown> {
    const out: Record<string, unknown> = { uptime_s: Math.round((Date.now() - this.startedAt) / 1000) };
    for (const [name, probe] of this.probes) {
      try {
        out[name] = probe();
      } catch (err) {
        out[name] = { error: err instanceof Error ? err.message : String(err) };
      }
    }
    return out;
  }
}
