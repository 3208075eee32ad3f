import { randomUUID } from 'node:crypto';
import type { LiveView, MinuteClosed, Visit } from '../../core/types.ts';

/**
 * Message bodies, one builder per schema in docs/schemas/. Every message names its schema and
 * carries a fresh message_id (consumers deduplicate QoS 1 redeliveries by it); timestamps are
 * ISO-8601 UTC; units are in field names (_s, _bytes, _percent, _c). Builders are pure apart from
 * the uuid, so tests can validate each against its JSON Schema.
 */
export const SCHEMA = {
  visit: 'glance.visit/1',
  stats: 'glance.stats/1',
  health: 'glance.health/1',
  live: 'glance.live/1',
  status: 'glance.status/1',
  commandResult: 'glance.command_result/1',
} as const;

export type SchemaId = (typeof SCHEMA)[keyof typeof SCHEMA];

interface Envelope {
  schema: SchemaId;
  message_id: string;
  device_id: string;
  timestamp: string;
}

const iso = (ms: number) => new Date(ms).toISOString();
/** Seconds to 0.1 s: finer digits would only be noise from the frame rate. */
const seconds = (s: number) => Math.round(Math.max(0, s) * 10) / 10;

function envelope(schema: SchemaId, deviceId: string, nowMs: number): Envelope {
  return { schema, message_id: randomUUID(), device_id: deviceId, timestamp: iso(nowMs) };
}

export function visitMessage(deviceId: string, visit: Visit, nowMs = Date.now()) {
  return {
    ...envelope(SCHEMA.visit, deviceId, nowMs),
    started_at: iso(visit.startedAt),
    ended_at: iso(visit.endedAt),
    dwell_s: seconds(visit.dwellS),
    attention_s: seconds(visit.attentionS),
    watcher: visit.watcher,
    age_band: visit.ageBand,
    gender: visit.gender,
    dominant_emotion: visit.dominantEmotion,
    content_id: visit.contentId ?? null,
  };
}

/**
 * The store's minute label to the start of that minute in ms, or NaN. The label is documented as
 * ISO-8601 UTC with minute precision; seconds, a fraction, or a missing `Z` are tolerated (a missing
 * zone is read as UTC, never as local time).
 */
export function minuteStartMs(minute: string): number {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(:\d{2}(\.\d+)?)?(Z|\+00:?00)?$/.exec(minute);
  if (!m) return NaN;
  const ms = Date.parse(`${m[1]}:00Z`);
  return Number.isFinite(ms) ? ms : NaN;
}

/**
 * One closed minute. Rows were k-anonymised by the store (small cells merged into an `other` row);
 * totals are the store's minute totals (no breakdown, so not subject to k-anonymity), or the sums of
 * the rows when an event carries none.
 */
export function statsMessage(deviceId: string, closed: MinuteClosed, nowMs = Date.now()) {
  const cells = closed.rows.map((r) => ({
    age_band: r.ageBand,
    gender: r.gender,
    emotion: r.emotion,
    content_id: r.contentId === '' ? null : r.contentId,
    passers_by: r.passersBy,
    watchers: r.watchers,
    dwell_s: seconds(r.dwellS),
    attention_s: seconds(r.attentionS),
  }));
  const sum = (pick: (c: (typeof cells)[number]) => number) => cells.reduce((acc, c) => acc + pick(c), 0);
  const t = closed.totals;
  return {
    ...envelope(SCHEMA.stats, deviceId, nowMs),
    minute_start: iso(minuteStartMs(closed.minute)),
    duration_s: 60,
    k_anonymity: closed.kAnonymity ?? null,
    rows: cells,
    totals: t
      ? { passers_by: t.passersBy, watchers: t.watchers, dwell_s: seconds(t.dwellS), attention_s: seconds(t.attentionS) }
      : {
          passers_by: sum((c) => c.passers_by),
          watchers: sum((c) => c.watchers),
          dwell_s: seconds(sum((c) => c.dwell_s)),
          attention_s: seconds(sum((c) => c.attention_s)),
        },
  };
}

export function liveMessage(deviceId: string, view: LiveView, nowMs = Date.now()) {
  return {
    ...envelope(SCHEMA.live, deviceId, nowMs),
    observed_at: iso(view.wallMs),
    people_in_view: view.people.length,
    watchers_in_view: view.people.filter((p) => p.watching).length,
    fps: Math.round(view.fps * 10) / 10,
  };
}

export type StatusState = 'online' | 'offline';

export function statusMessage(deviceId: string, state: StatusState, reason: string, nowMs = Date.now()) {
  return { ...envelope(SCHEMA.status, deviceId, nowMs), state, reason };
}

export interface ProcessFigures {
  cpu_percent: number;
  rss_bytes: number;
  temperature_c: number | null;
  disk_free_bytes: number | null;
  uptime_s: number;
}

export interface HealthInputs {
  process: ProcessFigures;
  mqtt: Record<string, unknown>;
  /** health.snapshot() minus the MQTT probe: capture, inference, audience, store, ... as they report. */
  probes: Record<string, unknown>;
  contentId: string | null;
  peopleInView: number | null;
  watchersLastHour: number;
}

export function healthMessage(deviceId: string, h: HealthInputs, nowMs = Date.now()) {
  return {
    ...envelope(SCHEMA.health, deviceId, nowMs),
    ...h.process,
    content_id: h.contentId,
    people_in_view: h.peopleInView,
    watchers_last_hour: h.watchersLastHour,
    outbox_depth: h.mqtt.outbox_depth as number,
    mqtt: h.mqtt,
    probes: h.probes,
  };
}

export function commandResultMessage(
  deviceId: string,
  r: { command: string; requestId: string | null; ok: boolean; result?: Record<string, unknown>; error?: string },
  nowMs = Date.now(),
) {
  return {
    ...envelope(SCHEMA.commandResult, deviceId, nowMs),
    command: r.command,
    request_id: r.requestId,
    ok: r.ok,
    ...(r.result ? { result: r.result } : {}),
    ...(r.error ? { error: r.error } : {}),
  };
}
