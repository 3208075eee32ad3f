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
  /**
   * Hands `data` back to the producer for a later frame. The consumer calls it once it will never
   * read `data` again (inference, after analysing the frame); without it the buffer is garbage
   * collected, which at camera rate lets RSS swing by a hundred MB between collections.
   */
  release?: () => void;
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

/**
 * One released breakdown cell of a period: its four keys and sums. Cells with fewer than
 * privacy.kAnonymity passers-by in their period are merged into one row whose four keys are all
 * 'other' (docs/metrics.md).
 */
export interface BreakdownRow {
  ageBand: string;
  gender: string;
  emotion: string;
  /** Content playing (proof of play), null when none was known. */
  contentId: string | null;
  passersBy: number;
  watchers: number;
  dwellS: number;
  attentionS: number;
}

/** Sums without a breakdown: not cells, so not subject to k-anonymity. */
export interface CountTotals {
  passersBy: number;
  watchers: number;
  dwellS: number;
  attentionS: number;
}

/** Totals of a closed minute, with the pipeline counters. */
export interface MinuteTotals extends CountTotals {
  frames: number;
  faces: number;
}

/**
 * A closed breakdown period (privacy.breakdownPeriod): its k-anonymised rows, final from now on
 * (docs/metrics.md, "Differencing"), and its totals.
 */
export interface PeriodClosed {
  /** ISO-8601 UTC start of the period. */
  periodStart: string;
  durationS: number;
  rows: BreakdownRow[];
  totals: CountTotals;
  kAnonymity: number;
}

/**
 * A minute as stored, emitted after its transaction commits. The totals of that minute replace any
 * earlier message for the same minute (a minute is re-emitted, with its new totals, only if more data
 * for it arrives after it closed, e.g. a restart within the same minute). A minute carries totals
 * only: breakdowns leave the store per closed period, and `periods` holds those this commit closed
 * (usually none; one when the minute was the last of its period).
 */
export interface MinuteClosed {
  minute: string;
  totals: MinuteTotals;
  periods: PeriodClosed[];
}

/** Events on the bus. */
export interface GlanceEvents {
  faces: FrameFaces;
  visit: Visit;
  live: LiveView;
  minuteClosed: MinuteClosed;
  contentChanged: { contentId: string | null };
}
