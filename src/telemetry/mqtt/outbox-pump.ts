import type { Logger } from 'pino';
import type { Outbox, OutboxRow } from './outbox.ts';

export interface PumpTransport {
  readonly connected: boolean;
  publish(topic: string, payload: string, opts: { qos: 0 | 1; retain: boolean }, cb: (err?: Error) => void): void;
}

/** Messages sent ahead of their PUBACKs: enough to fill a LAN round trip, few enough to resend cheaply. */
const WINDOW = 32;

/**
 * Moves outbox rows to the broker in id order, a window at a time, and deletes each row on its PUBACK.
 * Each connection is a generation: when it closes, every unacknowledged row is sent again, oldest
 * first, on the next one (QoS 1: at least once; consumers deduplicate by message_id). A late PUBACK
 * from a closed connection still deletes its row; the broker did receive it.
 */
export class OutboxPump {
  private generation = 0;
  private live = false;
  /** Highest row id sent on the current connection. */
  private cursor = 0;
  private readonly inflight = new Set<number>();
  /** Highest row id ever sent: a row at or below it sent again is a resend. */
  private highestSent = 0;
  private stopped = false;
  readonly counts = { sent: 0, resent: 0, acked: 0 };

  constructor(
    private readonly outbox: Outbox,
    private readonly transport: PumpTransport,
    private readonly log: Logger,
  ) {}

  /** A connection is up: start again from the oldest unacknowledged row. */
  connected(): void {
    this.generation += 1;
    this.live = true;
    this.cursor = 0;
    this.inflight.clear();
    this.pump();
  }

  /** The connection closed: whatever was in flight will be resent on the next one. */
  disconnected(): void {
    this.generation += 1;
    this.live = false;
    this.inflight.clear();
  }

  /** Stops touching the database (the store closes it after this stage stops). */
  stop(): void {
    this.stopped = true;
    this.live = false;
  }

  get inFlight(): number {
    return this.inflight.size;
  }

  /** Resolves when nothing is queued or in flight, or after timeoutMs; true if drained. */
  async drain(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.outbox.depth === 0) return true;
      if (!this.live || !this.transport.connected) return false;
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.outbox.depth === 0;
  }

  /** Sends rows while the window has room. Called on enqueue, on connect and on every PUBACK. */
  pump(): void {
    if (this.stopped || !this.live || !this.transport.connected) return;
    while (this.inflight.size < WINDOW) {
      const rows = this.outbox.peek(this.cursor, WINDOW - this.inflight.size);
      if (rows.length === 0) return;
      for (const row of rows) this.send(row);
    }
  }

  private send(row: OutboxRow): void {
    const generation = this.generation;
    this.cursor = row.id;
    this.inflight.add(row.id);
    this.counts.sent += 1;
    if (row.id <= this.highestSent) this.counts.resent += 1;
    else this.highestSent = row.id;
    this.transport.publish(row.topic, row.payload, { qos: row.qos, retain: row.retain }, (err) => this.settled(row.id, generation, err));
  }

  private settled(id: number, generation: number, err: Error | undefined): void {
    if (this.stopped) return;
    const current = generation === this.generation;
    if (current) this.inflight.delete(id);
    if (err) {
      // A failure on a live connection leaves the row for the next connection; a closed one resends anyway.
      if (current) this.log.warn({ err, outboxId: id }, 'mqtt publish failed; the message stays in the outbox');
      return;
    }
    if (this.outbox.delete(id)) this.counts.acked += 1;
    if (current) this.pump();
  }
}
