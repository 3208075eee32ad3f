import { Type, type Static } from '@sinclair/typebox';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A secret is never required inline: it may be a literal string (for quick tests), a file path,
 * or a systemd credential name resolved under $CREDENTIALS_DIRECTORY (LoadCredential=).
 */
export const Secret = Type.Union([
  Type.String(),
  Type.Object({ file: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
  Type.Object({ credential: Type.String({ minLength: 1, pattern: '^[A-Za-z0-9_.-]+$' }) }, { additionalProperties: false }),
]);
export type Secret = Static<typeof Secret>;

export const MASK = '***';

export function resolveSecret(value: Secret | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if ('file' in value) return readSecretFile(value.file);
  const dir = env.CREDENTIALS_DIRECTORY;
  if (!dir) throw new Error(`secret credential "${value.credential}" needs $CREDENTIALS_DIRECTORY (systemd LoadCredential=)`);
  return readSecretFile(path.join(dir, value.credential));
}

function readSecretFile(file: string): string {
  try {
    // Trailing newlines come from `echo secret > file`; they are never part of the secret.
    return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (err) {
    throw new Error(`cannot read secret file ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}
