import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import type { IClientOptions } from 'mqtt';
import { maskCredentials } from '../../config/mask.ts';
import { resolveSecret, type Secret } from '../../config/secret.ts';
import type { MqttConfig } from '../../config/telemetry.ts';
import { ConfigError, ResourceError } from '../../core/errors.ts';
import { isLoopbackHost } from '../../core/loopback.ts';

/** Where the client connects, with credentials and TLS material already loaded. */
export interface BrokerTarget {
  url: string;
  /** The URL with its credentials masked: safe for logs, health and the dashboard. */
  display: string;
  options: Pick<IClientOptions, 'username' | 'password' | 'ca' | 'cert' | 'key' | 'rejectUnauthorized'>;
}

function readPem(file: string, key: 'ca' | 'cert' | 'key'): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new ResourceError(`mqtt.${key}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
  }
}

function secret(value: Secret | undefined, key: string, env: NodeJS.ProcessEnv): string | undefined {
  try {
    return resolveSecret(value, env);
  } catch (err) {
    throw new ResourceError(`${key}: ${(err as Error).message}`, { cause: err });
  }
}

/** The external broker of mqtt.url: certificates verified always, client certificate when configured. */
export function externalTarget(config: MqttConfig & { url: string }, env: NodeJS.ProcessEnv): BrokerTarget {
  if ((config.cert === undefined) !== (config.key === undefined)) {
    throw new ConfigError('mqtt.cert and mqtt.key go together: set both for a client certificate, or neither');
  }
  const password = secret(config.password, 'mqtt.password', env);
  if (password !== undefined && config.username === undefined) throw new ConfigError('mqtt.password is set but mqtt.username is not');
  const tls = {
    ca: config.ca ? readPem(config.ca, 'ca') : undefined,
    cert: config.cert ? readPem(config.cert, 'cert') : undefined,
    key: config.key ? readPem(config.key, 'key') : undefined,
  };
  if (tls.ca || tls.cert) {
    // Checked now: a bad PEM would otherwise throw out of every connection attempt.
    try {
      createSecureContext(tls);
    } catch (err) {
      const files = [config.ca, config.cert, config.key].filter(Boolean).join(', ');
      throw new ResourceError(`mqtt.ca/cert/key: ${files}: ${(err as Error).message} (expected PEM files, and a key matching the certificate)`, { cause: err });
    }
  }
  return {
    url: config.url,
    display: maskCredentials(config.url),
    options: { username: config.username, password, ...tls, rejectUnauthorized: true },
  };
}

/**
 * Our own client of the embedded broker, through loopback when it listens on every interface. It logs
 * in with the broker's own login (made at start), never with the one configured for other clients.
 */
export function embeddedTarget(host: string, port: number, ownLogin: { username: string; password: string }): BrokerTarget {
  const connectHost = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  const url = `mqtt://${connectHost.includes(':') ? `[${connectHost}]` : connectHost}:${port}`;
  return { url, display: url, options: { ...ownLogin } };
}

/**
 * The login other clients of the embedded broker need. Off loopback one is required, as the dashboard
 * requires a token: a broker open to the shop's network would let anyone read every message.
 */
export function embeddedCredentials(config: MqttConfig, env: NodeJS.ProcessEnv): { username?: string; password?: string } {
  const { username, host } = config.embedded;
  const password = secret(config.embedded.password, 'mqtt.embedded.password', env);
  if ((username === undefined) !== (password === undefined)) {
    throw new ConfigError('mqtt.embedded.username and mqtt.embedded.password go together: set both to require a login, or neither');
  }
  if (username === undefined && !isLoopbackHost(host)) {
    throw new ConfigError(
      `mqtt.embedded.host is ${host}, which is not loopback, so mqtt.embedded.username and mqtt.embedded.password are required: ` +
        'set both (the password preferably as {file: PATH} or {credential: NAME}), or bind mqtt.embedded.host to 127.0.0.1',
    );
  }
  return { username, password };
}
