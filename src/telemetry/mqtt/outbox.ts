import type { Logger } from 'pino';

/**
 * The part of a better-sqlite3 Database the outbox uses. Typed structurally so the outbox works on
 * the store's own connection (one database, one writer) without depending on its type declarations.
 */
export interface SqliteDatabase {
  readonly name: string;
  prepare(sql: string): SqliteStatement;
  // Loose on purpose: better-sqlite3's own typing returns a Transaction<F> wrapper, which is callable.
  // biome-ignore lint/suspicious/noExplicitAny: structural stand-in for better-sqlite3's generic Transaction type
  transaction(fn: (...args: any[]) => any): (...args: any[]) => any;
}
interface SqliteStatement {
  run(...params: unknown[]): { changes: number; lastInsertRowid: number | bigint };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

export interface OutboxMessage {
  topic: string;
  payload: string;
  qos: 0 | 1;
  retain: boolean;
}

export interface OutboxRow extends OutboxMessage {
  id: number;
  createdAt: number;
}

interface RawRow {
  id: number;
  topic: string;
  payload: string;
  qos: number;
  retain: number;
  created_at: number;
}

/** How often (at most) a run of drops is logged: a long outage must not flood the journal. */
const DROP_LOG_INTERVAL_MS = 60_000;

/**
 * Durable queue of messages waiting for the broker's PUBACK, in the same SQLite database as the
 * aggregates so a visit is never lost between "counted" and "published". Rows are read in id order
 * and deleted only when acknowledged. The table is bounded: when full, the oldest rows are dropped,
 * counted and logged (drop-oldest keeps the newest data, which matters most after a long outage).
 */
export class Outbox {
  private count: number;
  private droppedTotal = 0;
  private lastDropLog = -Infinity;
  private droppedSinceLog = 0;
  private readonly insert;
  private readonly deleteOne;
  private readonly deleteOldest;
  private readonly deleteVisitsBefore;
  private readonly selectAfter;
  private readonly enqueueTx;
  private readonly countAll;

  constructor(
    db: SqliteDatabase,
    private readonly opts: { max: number; log: Pick<Logger, 'warn'>; now?: () => number },
  ) {
    const table = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'outbox'").get();
    if (!table) {
      throw new Error(`mqtt outbox: table "outbox" is missing in ${db.name}; the store's migration 2 creates it and must run before MQTT starts`);
    }
    this.insert = db.prepare('INSERT INTO outbox (topic, payload, qos, retain, created_at) VALUES (?, ?, ?, ?, ?)');
    this.deleteOne = db.prepare('DELETE FROM outbox WHERE id = ?');
    this.deleteOldest = db.prepare('DELETE FROM outbox WHERE id IN (SELECT id FROM outbox ORDER BY id LIMIT ?)');
    // By the topic's last level: it names the message kind, whatever prefix or device id queued it.
    this.deleteVisitsBefore = db.prepare("DELETE FROM outbox WHERE created_at < ? AND substr(topic, -6) = '/visit'");
    this.selectAfter = db.prepare('SELECT id, topic, payload, qos, retain, created_at FROM outbox WHERE id > ? ORDER BY id LIMIT ?');
    this.countAll = db.prepare('SELECT COUNT(*) AS n FROM outbox');
    this.count = (this.countAll.get() as { n: number }).n;
    this.enqueueTx = db.transaction((msg: OutboxMessage, createdAt: number) => {
      const id = Number(this.insert.run(msg.topic, msg.payload, msg.qos, msg.retain ? 1 : 0, createdAt).lastInsertRowid);
      this.count += 1;
      let dropped = 0;
      if (this.count > this.opts.max) {
        dropped = this.deleteOldest.run(this.count - this.opts.max).changes;
        this.count -= dropped;
      }
      return { id, dropped };
    });
  }

  /**
   * Adds a message at the end; returns its row id. May drop the oldest rows to stay within max.
   * createdAt (default now) is when the message was made, for a message held in memory first.
   */
  enqueue(msg: OutboxMessage, createdAt = (this.opts.now ?? Date.now)()): number {
    const { id, dropped } = this.enqueueTx(msg, createdAt) as { id: number; dropped: number };
    if (dropped > 0) this.noteDropped(dropped);
    return id;
  }

  /** Up to `limit` rows with id greater than `afterId`, oldest first. */
  peek(afterId = 0, limit = 100): OutboxRow[] {
    return (this.selectAfter.all(afterId, limit) as RawRow[]).map((r) => ({
      id: r.id,
      topic: r.topic,
      payload: r.payload,
      qos: r.qos === 0 ? 0 : 1,
      retain: r.retain === 1,
      createdAt: r.created_at,
    }));
  }

  /** Removes a row once the broker acknowledged it. Returns false if it was already gone (dropped). */
  delete(id: number): boolean {
    const removed = this.deleteOne.run(id).changes > 0;
    if (removed) this.count -= 1;
    return removed;
  }

  /**
   * Deletes the visit rows (per-person records) queued before beforeMs, all of them when omitted;
   * returns how many went. Stats rows are aggregates and stay.
   */
  deleteVisits(beforeMs = Number.MAX_SAFE_INTEGER): number {
    const removed = this.deleteVisitsBefore.run(beforeMs).changes;
    this.count -= removed;
    return removed;
  }

  /**
   * Recounts the rows. Needed after enqueueing inside a caller's transaction (the store's minute
   * commit): if that transaction rolled back, the row and the running count no longer agree.
   */
  resync(): void {
    this.count = (this.countAll.get() as { n: number }).n;
  }

  /** Rows waiting for a PUBACK. */
  get depth(): number {
    return this.count;
  }

  /** Rows dropped by the bound since this outbox was opened. */
  get dropped(): number {
    return this.droppedTotal;
  }

  private noteDropped(n: number): void {
    this.droppedTotal += n;
    this.droppedSinceLog += n;
    const now = (this.opts.now ?? Date.now)();
    if (now - this.lastDropLog >= DROP_LOG_INTERVAL_MS) {
      this.opts.log.warn(
        { dropped: this.droppedSinceLog, droppedTotal: this.droppedTotal, outboxMax: this.opts.max },
        `mqtt outbox full (mqtt.outboxMax ${this.opts.max}): dropped the ${this.droppedSinceLog} oldest unsent message(s)`,
      );
      this.lastDropLog = now;
      this.droppedSinceLog = 0;
    }
  }
}
