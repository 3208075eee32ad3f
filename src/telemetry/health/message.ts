import type { LiveView } from '../../core/types.ts';
import { envelope, SCHEMA } from '../envelope.ts';

/** A live view older than this no longer says who is in view now. */
export const LIVE_STALE_MS = 10_000;

export interface ProcessFigures {
  cpu_percent: number;
  rss_bytes: number;
  temperature_c: number | null;
  disk_free_bytes: number | null;
  uptime_s: number;
}

/** What a publisher of the health message keeps between messages, and the shared snapshot. */
export interface HealthSources {
  /** health.snapshot(): uptime, the MQTT probe and the probes of capture, inference, audience, store, ... */
  snapshot: Record<string, unknown>;
  process: ProcessFigures;
  /** The MQTT figures to report when the snapshot has no mqtt probe (MQTT disabled or not started). */
  mqttFallback: () => Record<string, unknown>;
  contentId: string | null;
  latestLive: LiveView | undefined;
  watchersLastHour: number;
}

/**
 * glance.health/1, the one health message: MQTT publishes it as `health` and the dashboard serves
 * it as /api/health, so the two cannot drift apart. The MQTT probe gets a field of its own (with
 * outbox_depth lifted to the top); the snapshot's uptime is dropped, the process figures carry it.
 */
export function healthMessage(deviceId: string, s: HealthSources, nowMs = Date.now()) {
  const { mqtt, uptime_s: _uptime, ...probes } = s.snapshot;
  void _uptime;
  const mqttFigures = (mqtt as Record<string, unknown> | undefined) ?? s.mqttFallback();
  const live = s.latestLive;
  return {
    ...envelope(SCHEMA.health, deviceId, nowMs),
    ...s.process,
    content_id: s.contentId,
    people_in_view: live && nowMs - live.wallMs < LIVE_STALE_MS ? live.people.length : null,
    watchers_last_hour: s.watchersLastHour,
    outbox_depth: mqttFigures.outbox_depth as number,
    mqtt: mqttFigures,
    probes,
  };
}
