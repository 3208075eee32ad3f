import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LogBudget } from '../core/log-budget.ts';
import type { AuthPolicy } from './auth-policy.ts';
import { LoginFailures } from './rate-limit.ts';
import { SessionStore } from './sessions.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Served without credentials: the page shell, its assets, the login route and the signage notice. */
    public?: boolean;
  }
}

export const SESSION_COOKIE = 'glance_session';

/** Compares secrets in constant time: both sides are hashed first so their lengths never leak. */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a, 'utf8').digest();
  const hb = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(ha, hb);
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export interface AuthOptions {
  policy: AuthPolicy;
  sessionHours: number;
  loginAttemptsPerMinute: number;
  /** Served over TLS: the session cookie is then marked Secure (never sent over plain http). */
  secureCookies?: boolean;
  now?: () => number;
}

/** Failed attempts logged one by one per minute; past it they are counted in one summary line. */
const FAILURE_LOG_LINES_PER_MINUTE = 20;

/**
 * Guards every route not marked `config: { public: true }`. Integrators send `Authorization: Bearer
 * <token>`; browsers log in once with POST /api/login and then carry an HttpOnly, SameSite=Strict
 * session cookie (so another site can neither read it nor make the browser send it). Wrong tokens,
 * by either path, count against per-source and global limits (LoginFailures); a right token is
 * always let in. Login routes exist even with auth off, so the page can ask and learn that no login
 * is needed.
 */
export function registerAuth(app: FastifyInstance, opts: AuthOptions): void {
  const { policy } = opts;
  const sessions = new SessionStore(opts.sessionHours * 3_600_000, opts.now);
  const failures = new LoginFailures(opts.loginAttemptsPerMinute, opts.now);
  const failureLogs = new LogBudget(
    FAILURE_LOG_LINES_PER_MINUTE,
    60_000,
    (count) => app.log.warn({ suppressed: count }, `dashboard: ${count} more failed login(s) or wrong bearer token(s) in the last minute (not logged one by one)`),
    opts.now,
  );
  app.addHook('onClose', async () => failureLogs.flush());
  const cookie = (value: string, maxAgeS: number) => `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict${opts.secureCookies ? '; Secure' : ''}; Max-Age=${maxAgeS}`;

  /** Answers a wrong token: `plain` (401) while under the limits, 429 with Retry-After beyond them. */
  const refuse = (req: FastifyRequest, reply: FastifyReply, what: string, plain: (reply: FastifyReply) => FastifyReply): FastifyReply => {
    const waitMs = failures.fail(req.ip);
    if (failureLogs.take()) req.log.warn({ ip: req.ip, url: req.url }, `dashboard: ${what}`);
    if (waitMs === 0) return plain(reply);
    return reply
      .code(429)
      .header('retry-after', String(Math.ceil(waitMs / 1000)))
      .send({ error: 'Too Many Requests', message: 'too many failed attempts; try again later' });
  };

  if (policy.enabled) {
    app.addHook('onRequest', async (req, reply) => {
      if (req.routeOptions.config?.public) return;
      const header = req.headers.authorization;
      if (header !== undefined) {
        const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
        if (match && safeEqual(match[1], policy.token!)) return;
        return refuse(req, reply, 'wrong bearer token', unauthorized);
      }
      if (sessions.valid(readCookie(req.headers.cookie, SESSION_COOKIE))) return;
      return unauthorized(reply);
    });
  }

  app.get('/api/session', { config: { public: true } }, async (req) => ({
    authRequired: policy.enabled,
    authenticated: !policy.enabled || sessions.valid(readCookie(req.headers.cookie, SESSION_COOKIE)),
  }));

  app.post<{ Body: { token: string } }>(
    '/api/login',
    {
      config: { public: true },
      schema: {
        body: {
          type: 'object',
          required: ['token'],
          additionalProperties: false,
          properties: { token: { type: 'string', minLength: 1, maxLength: 4096 } },
        },
      },
    },
    async (req, reply) => {
      if (!policy.enabled) return reply.code(204).send();
      if (!safeEqual(req.body.token, policy.token!)) {
        return refuse(req, reply, 'failed login', (r) => r.code(401).send({ error: 'Unauthorized', message: 'wrong token' }));
      }
      const session = sessions.create();
      req.log.info({ ip: req.ip }, 'dashboard: login');
      return reply.code(204).header('set-cookie', cookie(session.id, session.maxAgeS)).send();
    },
  );

  app.post('/api/logout', { config: { public: true } }, async (req, reply) => {
    sessions.revoke(readCookie(req.headers.cookie, SESSION_COOKIE));
    return reply.code(204).header('set-cookie', cookie('', 0)).send();
  });
}

function unauthorized(reply: FastifyReply): FastifyReply {
  return reply.code(401).header('www-authenticate', 'Bearer realm="glance"').send({ error: 'Unauthorized', message: 'log in (POST /api/login) or send Authorization: Bearer <token>' });
}
