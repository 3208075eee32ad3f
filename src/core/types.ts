/**
 * Data shapes that cross stage boundaries. Frames and faces live in process memory only;
 * nothing here with pixels in it is ever stored or published.
 */

/** One decoded camera frame: packed rgb24, row-major, width*height*3 bytes. */
export interface Frame {
  seq: number;
  /** Monotonic capture time in ms (performance.now() clock). */
  monoMs: number;
  /** Wall-clock capture time, ms since epoch. */
  wallMs: number;
  width: number;
  height: number;
  data: Uint8Array;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export type EmotionLabel = 'angry' | 'disgust' | 'fear' | 'happy' | 'sad' | 'surprise' | 'neutral';
export const EMOTIONS: readonly EmotionLabel[] = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'];

export type GenderLabel = 'male' | 'female';

/** One face found in a frame, in frame pixel coordinates. */
export interface Face {
  box: Box;
  score: number;
  /** Landmarks as [x, y] pairs in frame pixels (detector keypoints or mesh subset). */
  landmarks: Array<[number, number]>;
  pose?: { yaw: number; pitch: number; roll: number };
  emotion?: { label: EmotionLabel | 'uncertain'; probs: Record<EmotionLabel, number> };
  age?: { years: number; low: number; high: number };
  gender?: { label: GenderLabel | 'uncertain'; p: number };
}

/** All faces of one frame, after inference. */
export interface FrameFaces {
  seq: number;
  monoMs: number;
  wallMs: number;
  width: number;
  height: number;
  faces: Face[];
  /** Milliseconds spent per model on this frame. */
  timingsMs: Record<string, number>;
}

export type AgeBand = string;
export type GenderOrUnknown = GenderLabel | 'unknown';

/** A completed visitor, summarised when its track ends. Holds no identifier that outlives it. */
export interface Visit {
  startedAt: number;
  endedAt: number;
  dwellS: number;
  attentionS: number;
  watcher: boolean;
  age?: { years: number; low: number; high: number };
  ageBand: AgeBand | 'unknown';
  gender: GenderOrUnknown;
  emotions: Partial<Record<EmotionLabel, number>>;
  dominantEmotion: EmotionLabel | 'unknown';
  contentId: string | null;
}

/** People in view now (for live views): boxes as coordinates only. */
export interface LiveView {
  wallMs: number;
  width: number;
  height: number;
  people: Array<{ box: Box; watching: boolean }>;
  fps: number;
}

/** A closed minute of aggregates, one row per breakdown cell. */
export interface MinuteAggregate {
  minute: string; // ISO-8601 UTC, minute precision
  ageBand: string;
  gender: string;
  emotion: string;
  contentId: string;
  passersBy: number;
  watchers: number;
  dwellS: number;
  attentionS: number;
}

/** Events on the bus. */
export interface GlanceEvents {
  faces: FrameFaces;
  visit: Visit;
  live: LiveView;
  minuteClosed: { minute: string; rows: MinuteAggregate[] };
  contentChanged: { contentId: string | null };
}
