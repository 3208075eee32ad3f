import { readFileSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { Value } from '@sinclair/typebox/value';
import { Kind, type TSchema } from '@sinclair/typebox';
import { LineCounter, parseDocument, isMap, isSeq, type Node as YamlNode } from 'yaml';
import { GlanceConfig } from './schema.ts';
import { ConfigError } from '../core/errors.ts';

export const DEFAULT_CONFIG_PATHS = ['/etc/glance/glance.yaml', './config/glance.yaml'];

export interface LoadedConfig {
  config: GlanceConfig;
  /** The file read, or null when built-in defaults were used. */
  file: string | null;
}

/** Finds the config file: --config, then $GLANCE_CONFIG, then the standard paths, else none. */
export function locateConfig(explicit: string | undefined, env: NodeJS.ProcessEnv): string | null {
  if (explicit) return explicit;
  if (env.GLANCE_CONFIG) return env.GLANCE_CONFIG;
  return DEFAULT_CONFIG_PATHS.find((p) => existsSync(p)) ?? null;
}

export function loadConfig(explicit?: string, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const file = locateConfig(explicit, env);
  let text = '';
  if (file) {
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigError(`cannot read config file ${file}: ${(err as NodeJS.ErrnoException).code ?? err}`);
    }
  }
  return { config: parseConfig(text, env, file ?? '<defaults>'), file };
}

/** Parses YAML text, applies GLANCE_* env overrides, fills defaults and validates; all problems at once. */
export function parseConfig(text: string, env: NodeJS.ProcessEnv = {}, source = '<config>'): GlanceConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => {
      const pos = e.linePos?.[0] ?? lines.linePos(e.pos[0]);
      return `${source}:${pos.line}:${pos.col}: YAML syntax error: ${e.message.split('\n')[0]}`;
    });
    throw new ConfigError(`invalid config ${source}\n  ${problems.join('\n  ')}`, problems);
  }
  const raw = doc.toJS() ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(`invalid config ${source}: the top level must be a mapping of sections`);
  }
  const problems: string[] = [];
  applyEnvOverrides(raw as Record<string, unknown>, env, problems);

  const withDefaults = Value.Default(GlanceConfig, Value.Clone(raw));
  for (const error of Value.Errors(GlanceConfig, withDefaults)) {
    // Union errors repeat once per branch; report the first message per path.
    const pathText = error.path === '' ? '(top level)' : error.path.slice(1).replaceAll('/', '.');
    const where = lineOf(doc.contents as YamlNode | null, error.path, lines);
    const extra = unknownKeyHint(error);
    const msg = `${pathText}${where ? ` (line ${where})` : ''}: ${extra ?? error.message}`;
    if (!problems.some((p) => p.startsWith(`${pathText} `) || p.startsWith(`${pathText}:`))) problems.push(msg);
  }
  if (problems.length > 0) {
    throw new ConfigError(`invalid config ${source}\n  ${problems.join('\n  ')}`, problems);
  }
  return withDefaults as GlanceConfig;
}

function unknownKeyHint(error: { message: string; value: unknown; schema: TSchema }): string | undefined {
  return error.message === 'Unexpected property' ? 'unknown key' : undefined;
}

/** Finds the YAML line of a JSON-pointer path, walking up to the nearest node that exists. */
function lineOf(root: YamlNode | null, pointer: string, lines: LineCounter): number | undefined {
  const keys = pointer.split('/').slice(1);
  let node: unknown = root;
  let best: number | undefined;
  for (const key of keys) {
    if (isMap(node)) {
      const pair = node.items.find((p) => String((p.key as { value?: unknown })?.value) === key);
      if (!pair) break;
      const keyNode = pair.key as YamlNode;
      if (keyNode?.range) best = lines.linePos(keyNode.range[0]).line;
      node = pair.value;
    } else if (isSeq(node)) {
      node = node.items[Number(key)];
      const n = node as YamlNode | undefined;
      if (n?.range) best = lines.linePos(n.range[0]).line;
    } else break;
  }
  return best;
}

/**
 * GLANCE_<SECTION>__<KEY>[__<SUBKEY>] overrides, derived from the schema: camelCase keys become
 * UPPER_SNAKE (stallTimeoutMs → STALL_TIMEOUT_MS). Values are parsed by the leaf's type; arrays
 * and objects take JSON. An unknown GLANCE_*__* variable is an error, as an unknown key would be.
 */
export function applyEnvOverrides(raw: Record<string, unknown>, env: NodeJS.ProcessEnv, problems: string[]): void {
  const leaves = envLeaves();
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('GLANCE_') || value === undefined) continue;
    if (name === 'GLANCE_CONFIG') continue;
    const leaf = leaves.get(name);
    if (!leaf) {
      // Only the GLANCE_<SECTION>__<KEY> family is ours to reject; other GLANCE_* names are left alone.
      if (name.includes('__')) problems.push(`env ${name}: unknown setting`);
      continue;
    }
    let parsed: unknown;
    try {
      parsed = parseEnvValue(value, leaf.schema);
    } catch {
      problems.push(`env ${name}: not valid JSON for ${leaf.path.join('.')}`);
      continue;
    }
    let target = raw;
    for (const key of leaf.path.slice(0, -1)) {
      const next = target[key];
      if (typeof next !== 'object' || next === null || Array.isArray(next)) target[key] = {};
      target = target[key] as Record<string, unknown>;
    }
    target[leaf.path[leaf.path.length - 1]] = parsed;
  }
}

export function envNameFor(path: string[]): string {
  return `GLANCE_${path.map((k) => k.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('__')}`;
}

let cachedLeaves: Map<string, { path: string[]; schema: TSchema }> | undefined;
function envLeaves() {
  if (cachedLeaves) return cachedLeaves;
  cachedLeaves = new Map();
  const walk = (schema: TSchema, path: string[]) => {
    if (schema[Kind] === 'Object' && path.length < 3) {
      for (const [key, child] of Object.entries(schema.properties as Record<string, TSchema>)) walk(child, [...path, key]);
      if (path.length > 0) cachedLeaves!.set(envNameFor(path), { path, schema });
      return;
    }
    cachedLeaves!.set(envNameFor(path), { path, schema });
  };
  walk(GlanceConfig, []);
  return cachedLeaves;
}

function parseEnvValue(value: string, schema: TSchema): unknown {
  switch (schema[Kind]) {
    case 'Integer':
    case 'Number':
      return value.trim() === '' || Number.isNaN(Number(value)) ? value : Number(value);
    case 'Boolean':
      return value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value;
    case 'Array':
    case 'Object':
    case 'Tuple':
      return JSON.parse(value);
    case 'Union': {
      const trimmed = value.trim();
      if (trimmed.startsWith('{') || trimmed.startsWith('[')) return JSON.parse(trimmed);
      return value;
    }
    default:
      return value;
  }
}
