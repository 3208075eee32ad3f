import { timingSafeEqual, createHash } from 'node:crypto';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { Aedes, type AuthenticateError } from 'aedes';
import type { Logger } from 'pino';
import { ResourceError } from '../../core/errors.ts';

export interface EmbeddedBrokerOptions {
  host: string;
  port: number;
  /** When both are set, every client must log in with them (our own client included). */
  username?: string;
  password?: string;
  log: Logger;
}

/** Compares secrets in constant time; hashing first makes the lengths equal. */
function same(a: string | Buffer, b: string): boolean {
  const h = (v: string | Buffer) => createHash('sha256').update(v).digest();
  return timingSafeEqual(h(a), h(b));
}

/**
 * The broker Glance starts when mqtt.url is unset (aedes, in memory): a back office on the same box
 * or LAN subscribes here. Messages are durable up to this broker through the outbox; a broker that
 * lives in our own process cannot outlive it, which is what an external broker is for.
 */
export class EmbeddedBroker {
  private broker: Aedes | undefined;
  private server: Server | undefined;

  constructor(private readonly opts: EmbeddedBrokerOptions) {}

  /** Listens; returns the bound port (the real one when port is 0). */
  async start(): Promise<number> {
    const { host, port, username, password, log } = this.opts;
    const broker = await Aedes.createBroker({
      // A slow subscriber must not stall delivery to every other one.
      drainTimeout: 30_000,
      // Only with a login configured: an `authenticate: undefined` key would replace aedes's default.
      ...(username !== undefined && password !== undefined
        ? {
            authenticate: (client, user, pass, done) => {
              const ok = user !== undefined && pass !== undefined && same(user, username) && same(pass, password);
              if (ok) return done(null, true);
              log.warn({ clientId: client?.id }, 'embedded broker: login refused (wrong user name or password)');
              const err = new Error('bad user name or password') as AuthenticateError;
              err.returnCode = 4;
              done(err, false);
            },
          }
        : {}),
    });
    broker.on('clientError', (client, err) => log.debug({ clientId: client?.id, err }, 'embedded broker: client error'));
    this.broker = broker;
    const server = createServer(broker.handle);
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
    // Close the broker first: it disconnects clients, which lets the listening socket close promptly.
    if (broker) await new Promise<void>((resolve) => broker.close(() => resolve()));
    if (server?.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
