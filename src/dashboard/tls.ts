import { createSecureContext } from 'node:tls';
import { resolveSecret } from '../config/secret.ts';
import type { DashboardConfig } from '../config/dashboard.ts';
import { ConfigError, ResourceError } from '../core/errors.ts';

/** The certificate and key the dashboard serves https with, as PEM text. */
export interface DashboardTls {
  cert: string;
  key: string;
}

/**
 * Reads dashboard.tls (secrets: a file, a systemd credential or the PEM text) and checks that the
 * pair loads, so a bad file stops start-up naming the key instead of failing every connection.
 * Undefined when TLS is off.
 */
export function resolveDashboardTls(config: DashboardConfig, env: NodeJS.ProcessEnv = process.env): DashboardTls | undefined {
  const { cert, key } = config.tls;
  if (cert === undefined && key === undefined) return undefined;
  if (cert === undefined || key === undefined) {
    throw new ConfigError('dashboard.tls.cert and dashboard.tls.key go together: set both to serve https, or neither');
  }
  const pem = { cert: readPem(cert, 'cert', env), key: readPem(key, 'key', env) };
  try {
    createSecureContext(pem);
  } catch (err) {
    throw new ResourceError(`dashboard.tls: ${(err as Error).message} (expected a PEM certificate and the private key that matches it)`, { cause: err });
  }
  return pem;
}

function readPem(value: DashboardConfig['tls']['cert'], name: 'cert' | 'key', env: NodeJS.ProcessEnv): string {
  let text: string | undefined;
  try {
    text = resolveSecret(value, env);
  } catch (err) {
    throw new ResourceError(`dashboard.tls.${name}: ${(err as Error).message}`, { cause: err });
  }
  // A bare string is the PEM text itself; a path there is the likely mistake, so say how to give one.
  if (!text?.includes('-----BEGIN ')) {
    throw new ConfigError(`dashboard.tls.${name}: not PEM text (a string is the PEM itself; give a file as {file: PATH})`);
  }
  return text;
}
