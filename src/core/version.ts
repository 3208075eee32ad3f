import { readFileSync } from 'node:fs';

let version: string | undefined;

/**
 * Glance's version from package.json, read once. 'unknown' rather than an error when the file
 * cannot be read: the version only labels logs, MQTT discovery and `glance --version`.
 */
export function glanceVersion(): string {
  if (version === undefined) {
    try {
      version = String((JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: unknown }).version);
    } catch {
      version = 'unknown';
    }
  }
  return version;
}
