import { statSync } from 'node:fs';
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { BREAKDOWN_PERIOD_S, type PrivacyConfig } from '../../config/privacy.ts';
import { EMOTIONS, type MinuteClosed, type Visit } from '../../core/types.ts';
import { migrate, SCHEMA_VERSION } from './migrations.ts';
import { MinuteBook, type CellKey } from './minute-book.ts';
import { writeMinute } from './minute-writer.ts';
import { asResourceError, openDatabase } from './open-database.ts';
import { closedPeriods } from './period-breakdowns.ts';
import { ceilTo, closedBefore, floorTo, type ReleaseWindow } from './periods.ts';
import { NOTHING_PENDING, StoreQueries, type Breakdown, type Bucket, type Instant, type MinuteRow, type Pending, type Summary, type Timeseries } from './queries.ts';
import { applyRetention, retentionCutoffMs, type RetentionResult } from './retention.ts';
import { iso } from './time.ts';

export interface StoreOptions {
  dataDir: string;
  privacy: PrivacyConfig;
  log?: Logger;
  /** Wall clock for retention, backup names and which breakdown periods are closed; tests pass a fixed one. */
  now?: () => number;
}

/**
 * Runs inside the transaction that writes a minute, after its rows are in: a consumer that must never
 * miss a minute (the MQTT outbox) inserts its own rows here, so they commit or roll back with the
 * minute itself. Each hook runs in a savepoint; one that throws is rolled back alone and logged.
 */
export type MinuteCommitHook = (closed: MinuteClosed, db: Database.Database) => void;

const MAX_CONTENT_ID = 200;
const GENDERS = new Set(['male', 'female', 'unknown']);
const EMOTION_SET = new Set<string>([...EMOTIONS, 'unknown']);

/**
 * The anonymized aggregate store: <dataDir>/glance.db (SQLite, WAL). Visits and frame counts are
 * added to the open minute in memory (nothing per person is ever written); closeMinute() writes one
 * minute in one transaction. Breakdowns leave the store only per closed period of
 * privacy.breakdownPeriod, k-anonymised within it (queries.ts, periods.ts); totals for any range.
 */
export class Store {
  private readonly book = new MinuteBook();
  private readonly hooks = new Set<MinuteCommitHook>();
  private readonly queries: StoreQueries;
  private readonly k: number;
  private readonly periodS: number;
  private lastClosed: number | null;
  /**
   * Start of the oldest period that may not have been announced to commit hooks yet. Not stored: after
   * a restart the period of the last written minute is announced again (same figures, or completed).
   */
  private unannouncedFromS: number | null;
  private closed = false;
  /** Visits or frames that were malformed and skipped. */
  rejected = 0;

  private constructor(
    private readonly database: Database.Database,
    readonly dir: string,
    readonly file: string,
    private readonly opts: StoreOptions,
  ) {
    this.k = opts.privacy.kAnonymity;
    this.periodS = BREAKDOWN_PERIOD_S[opts.privacy.breakdownPeriod];
    this.queries = new StoreQueries(database, this.k);
    this.lastClosed = this.queries.lastClosedMinute();
    this.unannouncedFromS = this.lastClosed === null ? null : floorTo(this.lastClosed, this.periodS);
  }

  /** Opens (creating or migrating, with a backup first) the database in dataDir. */
  static async open(opts: StoreOptions): Promise<Store> {
    const { db, dir, file } = openDatabase(opts.dataDir, { maxVersion: SCHEMA_VERSION });
    try {
      await migrate(db, { dataDir: dir, file, log: opts.log, now: opts.now });
      return new Store(db, dir, file, opts);
    } catch (err) {
      db.close();
      throw asResourceError(err, file);
    }
  }

  /** The connection, for the MQTT outbox (migration 2). Same process, same connection: no lock waits. */
  get db(): Database.Database {
    return this.database;
  }

  get schemaVersion(): number {
    return SCHEMA_VERSION;
  }

  /** Adds a visit to the minute its track ended in. Malformed visits are counted and skipped. */
  recordVisit(visit: Visit): boolean {
    const at = visit.endedAt;
    const ok = [at, visit.dwellS, visit.attentionS].every((n) => typeof n === 'number' && Number.isFinite(n) && n >= 0);
    if (!ok) {
      this.rejected++;
      return false;
    }
    this.book.addVisit(at, this.cellKey(visit), {
      passersBy: 1,
      watchers: visit.watcher ? 1 : 0,
      dwellS: visit.dwellS,
      attentionS: visit.attentionS,
    });
    return true;
  }

  /** Counts one analysed frame and its faces in the minute of its capture time. */
  recordFrame(counts: { wallMs: number; faces: number }): boolean {
    if (!Number.isFinite(counts.wallMs) || counts.wallMs < 0 || !Number.isInteger(counts.faces) || counts.faces < 0) {
      this.rejected++;
      return false;
    }
    this.book.addFrame(counts.wallMs, counts.faces);
    return true;
  }

  /** Starts (ms) of the minutes held in memory, oldest first. */
  openMinutes(): number[] {
    return this.book.minutes();
  }

  /** Start (ms) of the newest minute written, or null. */
  get lastClosedMinuteMs(): number | null {
    return this.lastClosed === null ? null : this.lastClosed * 1000;
  }

  onMinuteCommit(hook: MinuteCommitHook): () => void {
    this.hooks.add(hook);
    return () => this.hooks.delete(hook);
  }

  /**
   * Writes one open minute in one transaction: its counters row and its cells, added to what is
   * already stored for that minute (so a minute written before a restart is completed, not counted
   * twice: memory only ever holds what was not committed). Returns the minute's totals and the
   * breakdown periods this commit closed, or undefined if that minute holds nothing. On failure the
   * minute goes back to memory and the error is thrown; nothing was written.
   */
  closeMinute(minuteMs: number): MinuteClosed | undefined {
    this.assertOpen();
    const m = this.book.take(minuteMs);
    if (!m) return undefined;
    const window = this.releaseWindow();
    const from = Math.max(this.unannouncedFromS ?? floorTo(m.minuteMs / 1000, this.periodS), ceilTo(window.notBeforeS, this.periodS));
    try {
      const closed = this.database
        .transaction((): MinuteClosed => {
          const totals = writeMinute(this.database, m);
          const periods = from < window.closedBeforeS ? closedPeriods(this.database, { k: this.k, periodS: this.periodS, fromS: from, toS: window.closedBeforeS }) : [];
          const closed = { minute: iso(m.minuteMs / 1000), totals, periods };
          this.runHooks(closed);
          return closed;
        })
        .immediate();
      this.lastClosed = Math.max(this.lastClosed ?? 0, m.minuteMs / 1000);
      this.unannouncedFromS = Math.max(from, window.closedBeforeS);
      return closed;
    } catch (err) {
      this.book.restore(m);
      throw err;
    }
  }

  /** Closes every open minute that started before beforeMs (all of them when omitted). */
  closeMinutes(beforeMs = Infinity): MinuteClosed[] {
    const out: MinuteClosed[] = [];
    for (const minute of this.book.minutes()) {
      if (minute >= beforeMs) break;
      const closed = this.closeMinute(minute);
      if (closed) out.push(closed);
    }
    return out;
  }

  /**
   * Totals of a range and the breakdowns of its whole closed periods. With includeOpen, the minutes
   * still in memory (the one in progress, and the last one during its close delay) count in the
   * totals, and partialFrom says from when those are not final; breakdowns never include them.
   */
  summary(q: { from: Instant; to: Instant; includeOpen?: boolean }): Summary {
    this.assertOpen();
    return this.queries.summary(q, this.releaseWindow(), q.includeOpen ? this.pending() : NOTHING_PENDING);
  }

  timeseries(q: { from: Instant; to: Instant; bucket: Bucket; by?: Breakdown; includeOpen?: boolean }): Timeseries {
    this.assertOpen();
    return this.queries.timeseries(q, this.releaseWindow(), q.includeOpen ? this.pending() : NOTHING_PENDING);
  }

  minutes(from: Instant, to: Instant): MinuteRow[] {
    this.assertOpen();
    return this.queries.minutes(from, to);
  }

  /** Deletes minutes (and backups) older than privacy.retentionDays. */
  retain(nowMs = this.opts.now?.() ?? Date.now()): RetentionResult {
    this.assertOpen();
    return applyRetention(this.database, this.dir, this.opts.privacy.retentionDays, nowMs);
  }

  /** Which periods may be released now (periods.ts): ended, none of their minutes in memory, within retention. */
  private releaseWindow(): ReleaseWindow {
    const nowMs = this.opts.now?.() ?? Date.now();
    const oldestOpen = this.book.minutes()[0];
    return {
      periodS: this.periodS,
      closedBeforeS: closedBefore(nowMs / 1000, oldestOpen === undefined ? undefined : oldestOpen / 1000, this.periodS),
      notBeforeS: retentionCutoffMs(nowMs, this.opts.privacy.retentionDays) / 1000,
    };
  }

  /** Bytes of the database and its WAL on disk. */
  sizeBytes(): number {
    let total = 0;
    for (const f of [this.file, `${this.file}-wal`]) {
      try {
        total += statSync(f).size;
      } catch {
        /* no WAL right after a checkpoint */
      }
    }
    return total;
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** Closes the connection. Minutes still open in memory are NOT written: call closeMinutes() first. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const pending = this.book.size;
    if (pending > 0) this.opts.log?.warn({ minutes: pending }, 'store closed with unwritten minutes');
    // Fold the WAL back into the main file so a copied data directory is one self-contained file.
    try {
      this.database.pragma('wal_checkpoint(TRUNCATE)');
    } catch (err) {
      this.opts.log?.warn({ err }, 'WAL checkpoint at close failed');
    }
    this.database.close();
  }

  /** Each hook in a savepoint of the minute's transaction: one that throws is rolled back alone. */
  private runHooks(closed: MinuteClosed): void {
    for (const hook of this.hooks) {
      try {
        this.database.transaction(() => hook(closed, this.database))();
      } catch (err) {
        this.opts.log?.error({ err, minute: closed.minute }, 'minute commit hook failed; its writes were rolled back, the minute is kept');
      }
    }
  }

  /** The open minutes as the queries read them (a copy: nothing in memory is handed out). */
  private pending(): Pending {
    const minutes = this.book.minutes();
    const cells: unknown[] = [];
    const counters: unknown[] = [];
    for (const minuteMs of minutes) {
      const m = this.book.peek(minuteMs)!;
      const s = minuteMs / 1000;
      counters.push([s, m.frames, m.faces]);
      for (const c of m.cells.values()) cells.push([s, c.ageBand, c.gender, c.emotion, c.contentId, c.passersBy, c.watchers, c.dwellS, c.attentionS]);
    }
    return { minutes: minutes.map((ms) => ms / 1000), cells: JSON.stringify(cells), counters: JSON.stringify(counters) };
  }

  /** The breakdown key of a visit, with labels checked: a value from a buggy stage cannot become a new column value. */
  private cellKey(v: Visit): CellKey {
    const emotion = this.opts.privacy.emotion && EMOTION_SET.has(v.dominantEmotion) ? v.dominantEmotion : 'unknown';
    const content = typeof v.contentId === 'string' ? v.contentId.slice(0, MAX_CONTENT_ID) : '';
    return {
      ageBand: typeof v.ageBand === 'string' && /^[0-9]{1,3}(-[0-9]{1,3}|\+)$/.test(v.ageBand) ? v.ageBand : 'unknown',
      gender: GENDERS.has(v.gender) ? v.gender : 'unknown',
      emotion,
      contentId: content,
    };
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('store is closed');
  }
}
