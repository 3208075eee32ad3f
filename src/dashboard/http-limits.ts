import type { DashboardTls } from './tls.ts';

/**
 * Bounds on what one HTTP client can hold open. Without them a client that drips a request (a
 * header or a body byte now and then) keeps its connection, and the memory behind it, forever.
 *
 * - The whole request, headers and body, must arrive within REQUEST_TIMEOUT_MS: the largest request
 *   is a 16 KiB body (bodyLimit), which the slowest link a shop has sends in well under a second.
 * - A connection with nothing sent either way for IDLE_TIMEOUT_MS is closed: the live stream sends a
 *   heartbeat every 15 s, so only a client that stopped reading (or a forgotten keep-alive) goes.
 * - At most dashboard.maxConnections connections at once (set on the server by build()).
 */
export const REQUEST_TIMEOUT_MS = 10_000;
export const IDLE_TIMEOUT_MS = 30_000;
/** How often Node looks for requests past their time (its default, 30 s, would let a drip last 40 s). */
const TIMEOUT_CHECK_INTERVAL_MS = 1000;

/** The fastify options that carry these limits, on https when the dashboard has a certificate. */
export function serverLimitOptions(tls: DashboardTls | undefined) {
  const node = { requestTimeout: REQUEST_TIMEOUT_MS, headersTimeout: REQUEST_TIMEOUT_MS, connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS };
  return {
    requestTimeout: REQUEST_TIMEOUT_MS,
    connectionTimeout: IDLE_TIMEOUT_MS,
    ...(tls ? { https: { ...tls, ...node } } : { http: node }),
  };
}
