import { randomBytes } from 'node:crypto';
import type { Box } from '../core/types.ts';
import { centre, iou } from '../core/box.ts';

export interface TrackerOptions {
  /** Least IoU between a track's predicted box and a detection for them to be the same face. */
  iouThreshold: number;
  /** Consecutive matched frames before a track is a person (DeepSORT's n_init). */
  confirmFrames: number;
  /** A confirmed track unseen for longer than this ends. */
  maxAbsenceMs: number;
}

export interface Track<T> {
  /** Random, in memory only: never stored, published or logged with attributes. */
  readonly id: string;
  confirmed: boolean;
  hits: number;
  firstSeenMs: number;
  lastSeenMs: number;
  /** Box of the last matched detection. */
  box: Box;
  /** Centre velocity in px per ms, smoothed over matches. */
  vx: number;
  vy: number;
  /** What the caller accumulates for this track (the visit summary). */
  readonly data: T;
}

export interface TrackerUpdate<T> {
  /** detection index → the track it was given to (new tracks included). */
  assignments: Array<{ track: Track<T>; detection: number }>;
  /** Tracks that became confirmed in this frame. */
  confirmed: Track<T>[];
  /** Confirmed tracks that ended in this frame (absent longer than maxAbsenceMs). */
  ended: Track<T>[];
  /** Tentative tracks discarded because they missed a frame before being confirmed. */
  discarded: Track<T>[];
}

const VELOCITY_SMOOTHING = 0.5;

/**
 * SORT-style multi-face tracker: each frame, every track's box is predicted with a constant-velocity
 * model, detections are assigned greedily by descending IoU with the predictions (ties to the older
 * track, then to the earlier detection, so runs are deterministic), and the rest start tentative
 * tracks. As in DeepSORT, a tentative track that misses a frame is discarded (a detector flicker is
 * not a person); a confirmed track coasts on its prediction through missed detections and crossings
 * and ends once unseen for longer than maxAbsenceMs. Time is the caller's (frame timestamps).
 */
export class Tracker<T> {
  private live: Track<T>[] = [];

  constructor(
    private readonly opts: TrackerOptions,
    private readonly createData: () => T,
    private readonly newId: () => string = () => randomBytes(8).toString('hex'),
  ) {}

  get tracks(): readonly Track<T>[] {
    return this.live;
  }

  /** Where a track's box is expected at tMs (extrapolation capped at maxAbsenceMs). */
  predict(track: Track<T>, tMs: number): Box {
    const dt = Math.min(Math.max(0, tMs - track.lastSeenMs), this.opts.maxAbsenceMs);
    return { ...track.box, x: track.box.x + track.vx * dt, y: track.box.y + track.vy * dt };
  }

  update(tMs: number, boxes: readonly Box[]): TrackerUpdate<T> {
    const result: TrackerUpdate<T> = { assignments: [], confirmed: [], ended: [], discarded: [] };
    const predicted = this.live.map((t) => this.predict(t, tMs));
    const pairs: Array<{ t: number; d: number; score: number }> = [];
    for (let t = 0; t < this.live.length; t++) {
      for (let d = 0; d < boxes.length; d++) {
        const score = iou(predicted[t], boxes[d]);
        if (score >= this.opts.iouThreshold && score > 0) pairs.push({ t, d, score });
      }
    }
    pairs.sort((a, b) => b.score - a.score || a.t - b.t || a.d - b.d);
    const trackTaken = new Array<boolean>(this.live.length).fill(false);
    const detTaken = new Array<boolean>(boxes.length).fill(false);
    for (const { t, d } of pairs) {
      if (trackTaken[t] || detTaken[d]) continue;
      trackTaken[t] = detTaken[d] = true;
      const track = this.live[t];
      this.match(track, boxes[d], tMs);
      if (!track.confirmed && track.hits >= this.opts.confirmFrames) {
        track.confirmed = true;
        result.confirmed.push(track);
      }
      result.assignments.push({ track, detection: d });
    }

    const kept: Track<T>[] = [];
    this.live.forEach((track, t) => {
      if (trackTaken[t]) kept.push(track);
      else if (!track.confirmed) result.discarded.push(track);
      else if (tMs - track.lastSeenMs > this.opts.maxAbsenceMs) result.ended.push(track);
      else kept.push(track);
    });
    for (let d = 0; d < boxes.length; d++) {
      if (detTaken[d]) continue;
      const track: Track<T> = {
        id: this.newId(),
        confirmed: this.opts.confirmFrames <= 1,
        hits: 1,
        firstSeenMs: tMs,
        lastSeenMs: tMs,
        box: { ...boxes[d] },
        vx: 0,
        vy: 0,
        data: this.createData(),
      };
      kept.push(track);
      if (track.confirmed) result.confirmed.push(track);
      result.assignments.push({ track, detection: d });
    }
    this.live = kept;
    result.assignments.sort((a, b) => a.detection - b.detection);
    return result;
  }

  /** Ends every track (shutdown): returns the confirmed ones, whose visits count; tentative ones are dropped. */
  endAll(): Track<T>[] {
    const confirmed = this.live.filter((t) => t.confirmed);
    this.live = [];
    return confirmed;
  }

  private match(track: Track<T>, box: Box, tMs: number): void {
    const dt = tMs - track.lastSeenMs;
    if (dt > 0) {
      const from = centre(track.box);
      const to = centre(box);
      const vx = (to.x - from.x) / dt;
      const vy = (to.y - from.y) / dt;
      // The second sighting gives the first velocity; later ones are smoothed against detector jitter.
      const a = track.hits === 1 ? 1 : VELOCITY_SMOOTHING;
      track.vx = a * vx + (1 - a) * track.vx;
      track.vy = a * vy + (1 - a) * track.vy;
    }
    track.box = { ...box };
    track.lastSeenMs = tMs;
    track.hits++;
  }
}
