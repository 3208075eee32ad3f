/**
 * The minutes not yet written, in memory: per minute, the pipeline counters and one cell per
 * breakdown (age band, gender, emotion, content). What is here is exactly what has not been
 * committed yet; take() hands a minute over to the writer and restore() puts it back if the write
 * failed, so no record is ever counted twice or dropped silently.
 */
export interface CellKey {
  ageBand: string;
  gender: string;
  emotion: string;
  /** '' when no content id was known. */
  contentId: string;
}

export interface CellSums {
  passersBy: number;
  watchers: number;
  dwellS: number;
  attentionS: number;
}

export interface OpenMinute {
  /** Minute start, ms since epoch (a multiple of 60 000). */
  minuteMs: number;
  frames: number;
  faces: number;
  cells: Map<string, CellKey & CellSums>;
}

export const MINUTE_MS = 60_000;

export function minuteOf(ms: number): number {
  return Math.floor(ms / MINUTE_MS) * MINUTE_MS;
}

const cellId = (k: CellKey) => JSON.stringify([k.ageBand, k.gender, k.emotion, k.contentId]);

export class MinuteBook {
  private readonly open = new Map<number, OpenMinute>();

  private get(minuteMs: number): OpenMinute {
    let m = this.open.get(minuteMs);
    if (!m) this.open.set(minuteMs, (m = { minuteMs, frames: 0, faces: 0, cells: new Map() }));
    return m;
  }

  addFrame(atMs: number, faces: number): void {
    const m = this.get(minuteOf(atMs));
    m.frames++;
    m.faces += faces;
  }

  addVisit(atMs: number, key: CellKey, sums: CellSums): void {
    addCell(this.get(minuteOf(atMs)), key, sums);
  }

  /** Open minute starts, oldest first. */
  minutes(): number[] {
    return [...this.open.keys()].sort((a, b) => a - b);
  }

  /** An open minute as it stands, for reads that include what is not written yet (do not modify). */
  peek(minuteMs: number): Readonly<OpenMinute> | undefined {
    return this.open.get(minuteMs);
  }

  take(minuteMs: number): OpenMinute | undefined {
    const m = this.open.get(minuteMs);
    this.open.delete(minuteMs);
    return m;
  }

  /** Puts back a minute whose write failed, merged with anything recorded for it since. */
  restore(m: OpenMinute): void {
    const into = this.get(m.minuteMs);
    into.frames += m.frames;
    into.faces += m.faces;
    for (const cell of m.cells.values()) addCell(into, cell, cell);
  }

  get size(): number {
    return this.open.size;
  }
}

function addCell(m: OpenMinute, key: CellKey, sums: CellSums): void {
  const id = cellId(key);
  let cell = m.cells.get(id);
  if (!cell) {
    cell = { ageBand: key.ageBand, gender: key.gender, emotion: key.emotion, contentId: key.contentId, passersBy: 0, watchers: 0, dwellS: 0, attentionS: 0 };
    m.cells.set(id, cell);
  }
  cell.passersBy += sums.passersBy;
  cell.watchers += sums.watchers;
  cell.dwellS += sums.dwellS;
  cell.attentionS += sums.attentionS;
}
