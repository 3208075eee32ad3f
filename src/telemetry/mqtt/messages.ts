import type { LiveView, MinuteClosed, Visit } from '../../core/types.ts';
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
