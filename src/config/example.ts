import { Kind, type TSchema } from '@sinclair/typebox';
import { stringify } from 'yaml';
import { GlanceConfig } from './schema.ts';
import { envNameFor } from './load.ts';

/**
 * Renders config/glance.example.yaml from the schema itself, so the example documents every key
 * with its description, default and env override and can never drift (a test compares them).
 */
export function renderExampleConfig(): string {
  const out: string[] = [
    '# Glance configuration. Every key is optional: the values shown are the defaults.',
    '# Lookup: --config FILE, $GLANCE_CONFIG, /etc/glance/glance.yaml, ./config/glance.yaml.',
    '# Every key can be overridden by an environment variable, shown beside it.',
    '# Secrets (mqtt.password, dashboard.token) take a string, {file: PATH} or {credential: NAME}',
    '# (systemd LoadCredential=, read from $CREDENTIALS_DIRECTORY). Prefer a file or credential.',
    '',
  ];
  renderObject(GlanceConfig, [], 0, out);
  return `${out.join('\n')}\n`;
}

function renderObject(schema: TSchema, path: string[], depth: number, out: string[]): void {
  const indent = '  '.repeat(depth);
  for (const [key, child] of Object.entries(schema.properties as Record<string, TSchema>)) {
    const here = [...path, key];
    if (child[Kind] === 'Object' && child.properties) {
      if (child.description) out.push(`${indent}# ${child.description}`);
      // A section with no default inside is commented out too: `key:` alone would read as null.
      out.push(`${indent}${hasDefault(child) ? '' : '# '}${key}:`);
      renderObject(child, here, depth + 1, out);
      if (depth === 0) out.push('');
      continue;
    }
    const notes = [child.description, `env ${envNameFor(here)}`].filter(Boolean).join('; ');
    out.push(`${indent}# ${notes}`);
    if (child.default === undefined) {
      out.push(`${indent}# ${key}: (unset)`);
    } else {
      const value = stringify(child.default, { flow: true }).trim();
      out.push(`${indent}${key}: ${value}`);
    }
  }
}

function hasDefault(schema: TSchema): boolean {
  return Object.values(schema.properties as Record<string, TSchema>).some((c) => c.default !== undefined || (c[Kind] === 'Object' && !!c.properties && hasDefault(c)));
}
