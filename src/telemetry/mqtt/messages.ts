import type { CountTotals, LiveView, MinuteClosed, PeriodClosed, Visit } from '../../core/types.ts';
import { envelope, iso, SCHEMA } from '../envelope.ts';
import { minuteStartMs } from '../minute-start.ts';

/**
 * Message bodies, one builder per schema in docs/schemas/ (health, which the dashboard serves too,
 * is built in telemetry/health/message.ts). Units are in field names (_s, _bytes, _percent, _c).
 * Builders are pure apart from the uuid, so tests can validate each against its JSON Schema.
 */

/** Seconds to 0.1 s: finer digits would only be noise from the frame rate. */
const seconds = (s: number) => Math.round(Math.max(0, s) * 10) / 10;

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
 * One closed minute: its totals only (no breakdown, so not subject to k-anonymity). Breakdowns are
 * published per closed period (breakdownMessage): a per-minute breakdown would be a second,
 * finer partition, and comparing the two would isolate people again (docs/metrics.md, "Differencing").
 */
export function statsMessage(deviceId: string, closed: MinuteClosed, nowMs = Date.now()) {
  return {
    ...envelope(SCHEMA.stats, deviceId, nowMs),
    minute_start: iso(minuteStartMs(closed.minute)),
    duration_s: 60,
    totals: sums(closed.totals),
  };
}

/** One closed breakdown period: its rows, k-anonymised within the period by the store, and its totals. */
export function breakdownMessage(deviceId: string, period: PeriodClosed, nowMs = Date.now()) {
  return {
    ...envelope(SCHEMA.breakdown, deviceId, nowMs),
    period_start: iso(minuteStartMs(period.periodStart)),
    duration_s: period.durationS,
    k_anonymity: period.kAnonymity,
    rows: period.rows.map((r) => ({
      age_band: r.ageBand,
      gender: r.gender,
      emotion: r.emotion,
      content_id: r.contentId === '' ? null : r.contentId,
      ...sums(r),
    })),
    totals: sums(period.totals),
  };
}

function sums(t: CountTotals) {
  return { passers_by: t.passersBy, watchers: t.watchers, dwell_s: seconds(t.dwellS), attention_s: seconds(t.attentionS) };
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

export function commandResultMessage(deviceId: string, r: { command: string; requestId: string | null; ok: boolean; result?: Record<string, unknown>; error?: string }, nowMs = Date.now()) {
  return {
    ...envelope(SCHEMA.commandResult, deviceId, nowMs),
    command: r.command,
    request_id: r.requestId,
    ok: r.ok,
    ...(r.result ? { result: r.result } : {}),
    ...(r.error ? { error: r.error } : {}),
  };
}
