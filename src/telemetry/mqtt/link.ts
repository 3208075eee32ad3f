import mqtt, { type IClientPublishOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { BrokerTarget } from './broker-target.ts';

export interface LinkOptions {
  target: BrokerTarget;
  clientId: string;
  /** Last Will: built anew for every connection attempt, so each carries its own message_id. */
  will: () => { topic: string; payload: string };
  reconnectMinMs: number;
  reconnectMaxMs: number;
  log: Logger;
  onConnect: () => void;
  onClose: () => void;
  onMessage: (topic: string, payload: Buffer) => void;
}

/** Bounded waits on stop: a dead broker must not hold up the daemon's shutdown budget. */
const END_TIMEOUT_MS = 3000;

/**
 * One MQTT connection with reconnect and exponential backoff (with jitter, so a fleet of boxes does
 * not reconnect in lockstep after a broker restart). mqtt.js's own reconnect timer is disabled: its
 * period is fixed, and it would also resend its in-memory copy of unacknowledged messages, which the
 * outbox already resends from SQLite; every connection therefore starts with empty client stores.
 */
export class BrokerLink {
  private client: MqttClient | undefined;
  private timer: NodeJS.Timeout | undefined;
  private attempts = 0;
  private stopping = false;
  private lastLoggedError: string | undefined;
  private errorText: string | null = null;

  constructor(private readonly opts: LinkOptions) {}

  get connected(): boolean {
    return this.client?.connected === true;
  }

  /** The latest connection error, for health; null once connected. */
  get lastError(): string | null {
    return this.errorText;
  }

  start(): void {
    const { target, clientId, log } = this.opts;
    const client = mqtt.connect(target.url, {
      ...target.options,
      clientId,
      protocolVersion: 4,
      clean: true,
      keepalive: 30,
      connectTimeout: 10_000,
      reconnectPeriod: 0,
      resubscribe: false,
      will: this.willPacket(),
    });
    this.client = client;
    client.on('connect', () => {
      if (this.attempts > 0) log.info({ broker: target.display, attempts: this.attempts }, `mqtt reconnected to ${target.display}`);
      else log.info({ broker: target.display }, `mqtt connected to ${target.display}`);
      this.attempts = 0;
      this.lastLoggedError = undefined;
      this.errorText = null;
      this.opts.onConnect();
    });
    client.on('message', (topic, payload) => this.opts.onMessage(topic, payload));
    client.on('error', (err) => this.noteError(err));
    client.on('close', () => {
      this.opts.onClose();
      this.scheduleReconnect();
    });
  }

  publish(topic: string, payload: string, opts: IClientPublishOptions, cb?: (err?: Error) => void): void {
    if (!this.client) {
      cb?.(new Error('not started'));
      return;
    }
    this.client.publish(topic, payload, opts, (err) => cb?.(err ?? undefined));
  }

  subscribe(topics: string[]): void {
    this.client?.subscribe(topics, { qos: 1 }, (err) => {
      if (err && !this.stopping) this.opts.log.warn({ err, topics }, 'mqtt subscribe failed');
    });
  }

  /** Runs `farewell` (e.g. publish offline) while still connected, then disconnects cleanly. */
  async stop(farewell?: () => Promise<void>): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    const client = this.client;
    if (!client) return;
    if (client.connected && farewell) await farewell().catch(() => {});
    this.client = undefined;
    // A graceful end waits for a CONNACK when a connection attempt is under way: force it unless connected.
    const graceful = client.connected;
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => client.end(true, {}, () => resolve()), END_TIMEOUT_MS);
      client.end(!graceful, {}, () => {
        clearTimeout(force);
        resolve();
      });
    });
  }

  private willPacket() {
    const { topic, payload } = this.opts.will();
    return { topic, payload: Buffer.from(payload), qos: 1 as const, retain: true };
  }

  private scheduleReconnect(): void {
    if (this.stopping || !this.client || this.timer) return;
    const { reconnectMinMs, reconnectMaxMs } = this.opts;
    const base = Math.min(reconnectMaxMs, reconnectMinMs * 2 ** Math.min(this.attempts, 20));
    const delay = Math.round(base * (0.8 + Math.random() * 0.4));
    this.attempts += 1;
    this.opts.log.debug({ delayMs: delay, attempt: this.attempts }, 'mqtt reconnect scheduled');
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const client = this.client;
      if (this.stopping || !client) return;
      client.options.will = this.willPacket();
      client.reconnect();
    }, delay);
  }

  /** Logs a connection error when it differs from the last one logged: an outage is one line, not one per retry. */
  private noteError(err: Error & { code?: unknown }): void {
    if (this.stopping) return;
    const code = err.code;
    const refusedLogin = code === 4 || code === 5 || code === 134 || code === 135;
    this.errorText = err.message;
    const key = `${String(code)}:${err.message}`;
    if (key === this.lastLoggedError) {
      this.opts.log.debug({ err: { message: err.message, code } }, 'mqtt connection error (repeated)');
      return;
    }
    this.lastLoggedError = key;
    const broker = this.opts.target.display;
    if (refusedLogin) {
      this.opts.log.error({ broker, err: { message: err.message, code } }, `mqtt broker ${broker} refused the login (check mqtt.username / mqtt.password); retrying with backoff`);
    } else {
      this.opts.log.warn({ broker, err: { message: err.message, code } }, `mqtt connection to ${broker} failed: ${err.message}; retrying with backoff`);
    }
  }
}
