import { resolveSecret } from '../config/secret.ts';
import type { DashboardConfig } from '../config/dashboard.ts';
import { ConfigError } from '../core/errors.ts';
import { isLoopbackHost } from '../core/loopback.ts';

/** Whether requests must carry credentials, and why: logged once at start-up. */
export interface AuthPolicy {
  enabled: boolean;
  reason: string;
  /** The resolved token; only present when enabled. Never logged or served. */
  token?: string;
}

/**
 * A right token is never refused, however many wrong ones came first (rate-limit.ts): what stops an
 * online guesser is the token's length, so short ones are refused at start.
 */
const MIN_TOKEN_LENGTH = 16;

/**
 * Decides the auth policy from the config. Off loopback a token is mandatory unless `auth: none` is
 * set explicitly, so a dashboard is never exposed to a shop's network by accident. On loopback a
 * configured token is still enforced: the operator asked for it.
 */
export function resolveAuthPolicy(config: DashboardConfig, env: NodeJS.ProcessEnv = process.env): AuthPolicy {
  const loopback = isLoopbackHost(config.host);
  if (config.auth === 'none') {
    return { enabled: false, reason: loopback ? 'auth: none (loopback only)' : `auth: none on ${config.host} (explicitly set)` };
  }
  let token: string | undefined;
  try {
    token = resolveSecret(config.token, env);
  } catch (err) {
    throw new ConfigError(`dashboard.token: ${(err as Error).message}`);
  }
  if (token !== undefined && token.trim().length < MIN_TOKEN_LENGTH) {
    throw new ConfigError(`dashboard.token: too short (at least ${MIN_TOKEN_LENGTH} characters)`);
  }
  if (token !== undefined) return { enabled: true, reason: 'token configured', token };
  if (loopback) return { enabled: false, reason: `bound to loopback (${config.host}) with no token configured` };
  throw new ConfigError(
    `dashboard.host is ${config.host}, which is not loopback, so dashboard.token is required: ` +
      'set dashboard.token (preferably {file: PATH} or {credential: NAME}), bind dashboard.host to 127.0.0.1, ' +
      'or set dashboard.auth: none to expose the dashboard without authentication',
  );
}
