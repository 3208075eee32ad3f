import type { FastifyInstance } from 'fastify';
import { throwIfAborted, type Stage } from '../core/stage.ts';
import { isLoopbackHost } from '../core/loopback.ts';
import { resolveAuthPolicy } from './auth-policy.ts';
import type { DashboardDataSource } from './data-source.ts';
import { build, type DashboardDeps } from './server.ts';
import { ResourceError } from '../core/errors.ts';
import { resolveDashboardTls } from './tls.ts';

/** What build() needs, less what the stage finds itself: the store (once started), the auth policy and TLS. */
export interface DashboardStageDeps extends Omit<DashboardDeps, 'data' | 'auth' | 'tls' | 'now'> {
  /** The store stage; its `store` exists once it has started, which is before this stage starts. */
  storeStage: { readonly store: DashboardDataSource | undefined };
  env?: NodeJS.ProcessEnv;
}

/** The local dashboard: page, JSON API, live stream and Prometheus metrics on one fastify server. */
export class DashboardStage implements Stage {
  readonly name = 'dashboard';
  private app: FastifyInstance | undefined;
  private url: string | undefined;

  constructor(private readonly deps: DashboardStageDeps) {}

  /** The listening URL (with the real port when config.port is 0), once started. */
  get address(): string | undefined {
    return this.url;
  }

  async start(signal: AbortSignal): Promise<void> {
    const { config, log, health } = this.deps;
    if (!config.enabled) {
      log.info('dashboard disabled (dashboard.enabled: false)');
      return;
    }
    const auth = resolveAuthPolicy(config, this.deps.env);
    const tls = resolveDashboardTls(config, this.deps.env);
    const store = this.deps.storeStage.store;
    if (!store) throw new Error('dashboard: the store stage has not started (it must start before the dashboard)');
    this.app = await build({ ...this.deps, data: store, auth, tls });
    throwIfAborted(signal);
    try {
      // fastify logs this text whatever we do (an empty resolver logged an empty line); the line with auth follows.
      await this.app.listen({ host: config.host, port: config.port, listenTextResolver: (address) => `dashboard socket bound to ${address}` });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      await this.app.close().catch(() => {});
      this.app = undefined;
      if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
        throw new ResourceError(`dashboard cannot listen on ${config.host}:${config.port}: ${describe(code)}`, { cause: err });
      }
      throw err;
    }
    const addr = this.app.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : config.port;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    this.url = `${tls ? 'https' : 'http'}://${host}:${port}`;
    health.register('dashboard', () => ({ url: this.url, auth: auth.enabled }));
    log.info({ url: this.url, auth: auth.enabled ? 'on' : 'off', reason: auth.reason }, `dashboard listening on ${this.url}, auth ${auth.enabled ? 'on' : 'off'} (${auth.reason})`);
    if (!tls && !isLoopbackHost(config.host)) {
      log.warn(`dashboard: plain http on ${config.host}: the token and the session cookie cross the network readable; set dashboard.tls (cert and key) for https`);
    }
  }

  async stop(): Promise<void> {
    this.deps.health.unregister('dashboard');
    const app = this.app;
    this.app = undefined;
    await app?.close();
  }
}

function describe(code: string | undefined): string {
  switch (code) {
    case 'EADDRINUSE':
      return 'the port is already in use (another glance, or set dashboard.port)';
    case 'EACCES':
      return 'permission denied (ports below 1024 need privileges)';
    case 'EADDRNOTAVAIL':
      return 'this machine has no such address (check dashboard.host)';
    default:
      return 'the host name does not resolve (check dashboard.host)';
  }
}
