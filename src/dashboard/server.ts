import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyError, type FastifyServerOptions } from 'fastify';
import type { Logger } from 'pino';
import type { PrivacyConfig } from '../config/privacy.ts';
import type { DeviceConfig } from '../config/device.ts';
import type { MqttConfig } from '../config/telemetry.ts';
import { maskSecrets } from '../config/mask.ts';
import type { EventBus } from '../core/bus.ts';
import type { HealthRegistry } from '../core/health.ts';
import type { GlanceEvents } from '../core/types.ts';
import { loadAssets, registerAssets } from './assets.ts';
import { registerAuth } from './auth.ts';
import { isLoopbackHost } from '../core/loopback.ts';
import type { AuthPolicy } from './auth-policy.ts';
import type { DashboardConfig } from '../config/dashboard.ts';
import type { DashboardDataSource } from './data-source.ts';
import { LiveHub } from './live.ts';
import { DashboardMetrics } from './metrics.ts';
import { renderNotice } from './notice.ts';
import { formatValidationErrors } from './query.ts';
import { registerDataRoutes } from './routes-data.ts';
import { registerSecurityHeaders } from './security-headers.ts';
import { HealthView } from './health-view.ts';
import { serverLimitOptions } from './http-limits.ts';
import type { DashboardTls } from './tls.ts';

export interface DashboardDeps {
  config: DashboardConfig;
  device: DeviceConfig;
  privacy: PrivacyConfig;
  /** Whether per-visit messages leave the box, which the notice must then say. */
  mqtt: Pick<MqttConfig, 'enabled' | 'visits' | 'visitMaxAgeS'>;
  /** The effective config, served masked by /api/config. */
  fullConfig: unknown;
  log: Logger;
  bus: EventBus<GlanceEvents>;
  health: HealthRegistry;
  data: DashboardDataSource;
  auth: AuthPolicy;
  /** Certificate and key: the server speaks https (and the session cookie is Secure). */
  tls?: DashboardTls;
  /** Where the database lives, for the disk-free figure in /api/health. */
  dataDir?: string | null;
  /** Clock for default ranges; tests pin it. */
  now?: () => number;
}

/**
 * Builds the dashboard app without listening (fastify's testing pattern: tests call inject()).
 * Everything it subscribes to is released by app.close(): live streams are ended in preClose, since
 * the server would otherwise wait on them forever.
 */
export async function build(deps: DashboardDeps): Promise<FastifyInstance> {
  const { config, log, bus, health } = deps;
  const now = deps.now ?? Date.now;
  const assets = loadAssets();

  // Typed as the plain http instance whichever it is: routes, hooks and inject() are the same on https.
  const app = Fastify({
    ...serverLimitOptions(deps.tls),
    loggerInstance: log as FastifyBaseLogger,
    // Per-request lines would flood the journal (the page polls, SSE reconnects): debug level only, below.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 16 * 1024,
    // Unknown query parameters are errors, not silently dropped.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
    schemaErrorFormatter: (errors, dataVar) => new Error(formatValidationErrors(errors, dataVar)),
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  } as FastifyServerOptions) as unknown as FastifyInstance;
  app.server.maxConnections = config.maxConnections;

  const live = new LiveHub(bus, config.liveMaxHz, config.maxLiveClients);
  const metrics = new DashboardMetrics(bus, health, () => live.size);
  const healthView = new HealthView(bus, health, deps.device.id, deps.dataDir ?? null, now);
  live.start();
  app.addHook('preClose', async () => live.closeAll());
  app.addHook('onClose', async () => {
    metrics.close();
    healthView.close();
  });

  registerSecurityHeaders(app, { checkLoopbackHost: !deps.auth.enabled && isLoopbackHost(config.host) });
  registerAuth(app, { policy: deps.auth, sessionHours: config.sessionHours, loginAttemptsPerMinute: config.loginAttemptsPerMinute, secureCookies: deps.tls !== undefined, now });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err.validation) return reply.code(400).send({ error: 'Bad Request', message: err.message });
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) {
      req.log.error({ err, url: req.url }, 'dashboard request failed');
      return reply.code(500).send({ error: 'Internal Server Error', message: 'internal error (see the daemon log)' });
    }
    return reply.code(status).send({ error: httpStatusText(status), message: err.message });
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: 'Not Found', message: `no route ${req.method} ${req.url.split('?')[0]}` }));
  app.addHook('onResponse', async (req, reply) => {
    req.log.debug({ method: req.method, url: req.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'dashboard request');
  });

  registerAssets(app, assets);
  app.get('/notice', { config: { public: true } }, async (_req, reply) => reply.type('text/html; charset=utf-8').send(renderNotice(deps.device, deps.privacy, deps.mqtt)));

  app.get('/api/health', async () => healthView.message());
  app.get('/api/config', async () => maskSecrets(deps.fullConfig));
  app.get('/api/info', async () => ({
    device: { id: deps.device.id, name: deps.device.name, location: deps.device.location },
    privacy: {
      emotion: deps.privacy.emotion,
      kAnonymity: deps.privacy.kAnonymity,
      retentionDays: deps.privacy.retentionDays,
      ignoreRegions: deps.privacy.ignoreRegions.length,
      minFaceSize: deps.privacy.minFaceSize,
    },
    auth: deps.auth.enabled,
  }));
  registerDataRoutes(app, { data: deps.data, device: deps.device, privacy: deps.privacy, now });

  // No automatic HEAD route: a HEAD request must not open a stream that never ends.
  app.get('/api/live', { exposeHeadRoute: false }, async (_req, reply) => {
    if (live.size >= live.maxClients) {
      return reply
        .code(503)
        .header('retry-after', '10')
        .send({ error: 'Service Unavailable', message: `too many live streams (max ${live.maxClients})` });
    }
    reply.hijack();
    reply.raw.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    live.add(reply.raw);
  });

  app.get('/metrics', async (_req, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));

  await app.ready();
  return app;
}

function httpStatusText(status: number): string {
  return { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 429: 'Too Many Requests' }[status] ?? 'Error';
}
