import type { ServerResponse } from 'node:http';
import type { EventBus } from '../core/bus.ts';
import type { GlanceEvents, LiveView } from '../core/types.ts';

/** What /api/live sends: coordinates and counts only, built field by field so nothing else can leak. */
export interface LiveMessage {
  t: number;
  width: number;
  height: number;
  count: number;
  watching: number;
  fps: number;
  people: Array<{ x: number; y: number; w: number; h: number; watching: boolean }>;
}

export function toLiveMessage(view: LiveView): LiveMessage {
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? Math.round(v * 10) / 10 : 0);
  const people = view.people.map((p) => ({
    x: num(p.box.x),
    y: num(p.box.y),
    w: num(p.box.width),
    h: num(p.box.height),
    watching: p.watching === true,
  }));
  return {
    t: num(view.wallMs),
    width: num(view.width),
    height: num(view.height),
    count: people.length,
    watching: people.filter((p) => p.watching).length,
    fps: num(view.fps),
    people,
  };
}

interface Client {
  res: ServerResponse;
  lastSentMs: number;
  pending: NodeJS.Timeout | undefined;
  blocked: boolean;
}

const HEARTBEAT_MS = 15_000;

/**
 * Fans the bus `live` event out to Server-Sent-Event clients. One bus subscription serves every
 * client; each client gets at most maxHz messages per second (the newest wins, a trailing update is
 * always delivered) and a slow client is skipped until its socket drains, so a stalled tablet never
 * grows memory. A heartbeat comment keeps proxies from closing an idle stream.
 */
export class LiveHub {
  private readonly clients = new Set<Client>();
  private latest: LiveMessage | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly minIntervalMs: number;

  constructor(
    private readonly bus: EventBus<GlanceEvents>,
    maxHz: number,
    readonly maxClients: number,
  ) {
    this.minIntervalMs = 1000 / maxHz;
  }

  start(): void {
    this.bus.on('live', (view) => this.publish(toLiveMessage(view)), this);
    this.heartbeat = setInterval(() => {
      for (const c of this.clients) if (!c.blocked) c.res.write(': ping\n\n');
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  get latestMessage(): LiveMessage | undefined {
    return this.latest;
  }

  /** Takes over a response whose SSE headers are already written. */
  add(res: ServerResponse): void {
    const client: Client = { res, lastSentMs: 0, pending: undefined, blocked: false };
    this.clients.add(client);
    res.on('close', () => this.remove(client));
    res.on('drain', () => {
      client.blocked = false;
      this.sendNow(client);
    });
    res.write('retry: 2000\n\n');
    if (this.latest) this.sendNow(client);
  }

  /** Ends every stream: called before the server closes, which would otherwise wait on them forever. */
  closeAll(): void {
    this.bus.removeListeners(this);
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const c of [...this.clients]) {
      this.remove(c);
      c.res.end();
    }
  }

  private publish(message: LiveMessage): void {
    this.latest = message;
    const now = Date.now();
    for (const c of this.clients) {
      if (c.blocked || c.pending) continue;
      const wait = c.lastSentMs + this.minIntervalMs - now;
      if (wait <= 0) this.sendNow(c);
      else {
        c.pending = setTimeout(() => {
          c.pending = undefined;
          this.sendNow(c);
        }, wait);
      }
    }
  }

  private sendNow(c: Client): void {
    if (!this.latest || c.res.destroyed) return;
    c.lastSentMs = Date.now();
    c.blocked = !c.res.write(`event: live\ndata: ${JSON.stringify(this.latest)}\n\n`);
  }

  private remove(c: Client): void {
    if (c.pending) clearTimeout(c.pending);
    c.pending = undefined;
    this.clients.delete(c);
  }
}
