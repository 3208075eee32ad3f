import type { FastifyInstance } from 'fastify';
import { isLoopbackHost } from '../core/loopback.ts';

/** No inline script or style, nothing from another origin, never framed. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), interest-cohort=()',
  'cache-control': 'no-store',
};

/**
 * Sets the security headers on every response, errors and 404s included (onRequest runs before
 * routing). Routes that hijack the reply (SSE) copy them with reply.getHeaders().
 *
 * When the dashboard listens on loopback without auth, a web page elsewhere could still reach it by
 * DNS rebinding (evil.example resolving to 127.0.0.1); requiring a loopback Host header stops that.
 */
export function registerSecurityHeaders(app: FastifyInstance, opts: { checkLoopbackHost: boolean }): void {
  app.addHook('onRequest', async (req, reply) => {
    reply.headers(SECURITY_HEADERS);
    if (opts.checkLoopbackHost && !isLoopbackHost(hostName(req.headers.host ?? ''))) {
      return reply.code(421).send({ error: 'Misdirected Request', message: 'this dashboard only answers to a loopback host name' });
    }
  });
}

function hostName(hostHeader: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(hostHeader);
  if (bracketed) return bracketed[1];
  return hostHeader.replace(/:\d+$/, '');
}
