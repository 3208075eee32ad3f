import { timingSafeEqual, createHash, randomBytes } from 'node:crypto';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import type { Logger } from 'pino';
import { LogBudget } from '../../core/log-budget.ts';
import { ResourceError } from '../../core/errors.ts';
import { foreignPublishRefusal, type ForeignPublishRules } from './broker-acl.ts';
import { guardPacketSize } from './packet-size-guard.ts';

export interface EmbeddedBrokerOptions {
  host: string;
  port: number;
  /** When both are set, every other client must log in with them. */
  username?: string;
  password?: string;
  /** Glance's own client id: refused to anyone but the holder of `ownLogin`. */
  ownClientId: string;
  /** What other clients may publish (Glance's own client may publish anything but $SYS). */
  foreign: ForeignPublishRules;
  /** Client connections besides Glance's own. */
  maxConnections: number;
  maxPacketBytes: number;
  log: Logger;
}

/** Topic filters one connection may hold: a back office needs a handful, each one costs memory. */
const MAX_SUBSCRIPTIONS_PER_CLIENT = 100;
/** A connection that has not sent CONNECT by then is closed (aedes waits 30 s by default). */
const CONNECT_TIMEOUT_MS = 10_000;
const REFUSAL_LOG_LINES_PER_MINUTE = 20;

/** Compares secrets in constant time; hashing first makes the lengths equal. */
function same(a: string | Buffer, b: string): boolean {
  const h = (v: string | Buffer) => createHash('sha256').update(v).digest();
  return timingSafeEqual(h(a), h(b));
}

function refusedLogin(message: string, returnCode: 2 | 4): AuthenticateError {
  const err = new Error(message) as AuthenticateError;
  err.returnCode = returnCode;
  return err;
}

/**
 * The broker Glance starts when mqtt.url is unset (aedes, in memory): a back office on the same box
 * or LAN subscribes here. Messages are durable up to this broker through the outbox; a broker that
 * lives in our own process cannot outlive it, which is what an external broker is for.
 *
 * Glance's own client proves itself with a login made at start (`ownLogin`), so no one else can take
 * its client id over (which would disconnect it, and flap `status` online/offline). Only that client
 * publishes under Glance's topics; others may publish the inputs only. Packets, connections and
 * subscriptions are capped, and retained messages from others are limited to the retainable inputs.
 */
export class EmbeddedBroker {
  /** Glance's own login to this broker: random per start, known only to this process. */
  readonly ownLogin: { username: string; password: string };
  private broker: Aedes | undefined;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly ownClients = new WeakSet<Client>();
  private readonly subscriptions = new WeakMap<Client, Set<string>>();
  private readonly refusalLogs: LogBudget;

  constructor(private readonly opts: EmbeddedBrokerOptions) {
    this.ownLogin = { username: opts.ownClientId, password: randomBytes(32).toString('base64url') };
    this.refusalLogs = new LogBudget(REFUSAL_LOG_LINES_PER_MINUTE, 60_000, (count) => opts.log.warn({ suppressed: count }, `embedded broker: ${count} more refusal(s) in the last minute (not logged one by one)`));
  }

  /** Listens; returns the bound port (the real one when port is 0). */
  async start(): Promise<number> {
    const { host, port, log } = this.opts;
    const broker = await Aedes.createBroker({
      // A slow subscriber must not stall delivery to every other one.
      drainTimeout: 30_000,
      connectTimeout: CONNECT_TIMEOUT_MS,
      authenticate: (client, user, pass, done) => this.authenticate(client, user, pass, done),
      authorizePublish: (client, packet, done) => done(this.publishRefusal(client, packet)),
      authorizeSubscribe: (client, sub, done) => done(null, this.admitSubscription(client, sub.topic) ? sub : null),
    });
    broker.on('clientError', (client, err) => log.debug({ clientId: client?.id, err }, 'embedded broker: client error'));
    broker.on('unsubscribe', (topics, client) => topics.forEach((t) => this.subscriptions.get(client)?.delete(t)));
    this.broker = broker;
    const server = createServer((socket) => this.accept(broker, socket));
    this.server = server;
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      await this.stop();
      const code = (err as NodeJS.ErrnoException).code;
      throw new ResourceError(`embedded MQTT broker cannot listen on ${host}:${port}: ${code ?? String(err)}`, { cause: err });
    }
    server.on('error', (err) => log.error({ err }, 'embedded broker: server error'));
    return (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const { broker, server } = this;
    this.broker = undefined;
    this.server = undefined;
    this.refusalLogs.flush();
    // Close the broker first: it disconnects clients, which lets the listening socket close promptly.
    if (broker) await new Promise<void>((resolve) => broker.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    if (server?.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(broker: Aedes, socket: Socket): void {
    const { maxConnections, maxPacketBytes } = this.opts;
    // One slot more than the cap: Glance's own connection is not one of the clients it counts.
    if (this.sockets.size >= maxConnections + 1) {
      this.refuse({ remote: socket.remoteAddress }, `embedded broker: connection refused (already ${maxConnections} clients, mqtt.embedded.maxConnections)`);
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    broker.handle(socket);
    guardPacketSize(socket, maxPacketBytes, (bytes) => {
      this.refuse({ remote: socket.remoteAddress, bytes }, `embedded broker: connection closed: a packet of ${bytes} bytes is over mqtt.embedded.maxPacketBytes (${maxPacketBytes})`);
      socket.destroy();
    });
  }

  private authenticate(client: Client, user: string | undefined, pass: Buffer | undefined, done: (err: AuthenticateError | null, ok: boolean | null) => void): void {
    const { ownClientId, username, password } = this.opts;
    if (client.id === ownClientId) {
      if (pass !== undefined && same(pass, this.ownLogin.password)) {
        this.ownClients.add(client);
        return done(null, true);
      }
      this.refuse({ clientId: client.id }, `embedded broker: client id ${ownClientId} refused (it is Glance's own)`);
      return done(refusedLogin('identifier rejected', 2), false);
    }
    if (username === undefined || password === undefined) return done(null, true);
    if (user !== undefined && pass !== undefined && same(user, username) && same(pass, password)) return done(null, true);
    this.refuse({ clientId: client?.id }, 'embedded broker: login refused (wrong user name or password)');
    done(refusedLogin('bad user name or password', 4), false);
  }

  /** Why this publish (or Last Will) is refused; null when allowed. A refused client is disconnected. */
  private publishRefusal(client: Client | null, packet: { topic: string; retain?: boolean; payload: Buffer | string }): Error | null {
    if (packet.topic.startsWith('$SYS')) return new Error('$SYS topics are reserved');
    if (client && this.ownClients.has(client)) return null;
    const reason = foreignPublishRefusal(this.opts.foreign, packet);
    if (reason === undefined) return null;
    this.refuse({ clientId: client?.id }, `embedded broker: publish refused: ${reason}`);
    return new Error(reason);
  }

  private admitSubscription(client: Client, topic: string): boolean {
    let topics = this.subscriptions.get(client);
    if (!topics) this.subscriptions.set(client, (topics = new Set()));
    if (topics.has(topic) || topics.size < MAX_SUBSCRIPTIONS_PER_CLIENT) {
      topics.add(topic);
      return true;
    }
    this.refuse({ clientId: client.id }, `embedded broker: subscription refused (more than ${MAX_SUBSCRIPTIONS_PER_CLIENT} topic filters on one connection)`);
    return false;
  }

  private refuse(fields: Record<string, unknown>, msg: string): void {
    if (this.refusalLogs.take()) this.opts.log.warn(fields, msg);
  }
}
