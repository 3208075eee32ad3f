/**
 * Validation of what back-office systems send us. Anyone on the broker can publish, so every input is
 * hostile until proven otherwise: size-capped before decoding, strict UTF-8, a closed set of shapes.
 * Each parser returns either a value or one human-readable reason; the stage logs the reason once.
 */

/** Inputs are tiny; anything larger is a mistake or an attack, refused before it is decoded. */
export const MAX_INPUT_BYTES = 4096;

/** Content ids end up in aggregates, CSV exports and topic-adjacent logs: a conservative charset. */
export const CONTENT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;

export const COMMANDS = ['ping', 'publish_stats', 'publish_health'] as const;
export type CommandName = (typeof COMMANDS)[number];

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const fail = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });

function decode(payload: Uint8Array): Parsed<string> {
  if (payload.length > MAX_INPUT_BYTES) return fail(`payload too large (${payload.length} bytes, limit ${MAX_INPUT_BYTES})`);
  if (payload.length === 0) return fail('empty payload');
  try {
    return { ok: true, value: new TextDecoder('utf-8', { fatal: true }).decode(payload) };
  } catch {
    return fail('payload is not valid UTF-8');
  }
}

function parseJsonObject(text: string): Parsed<Record<string, unknown>> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return fail('payload is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('payload must be a JSON object');
  return { ok: true, value: value as Record<string, unknown> };
}

function unknownKeys(obj: Record<string, unknown>, allowed: readonly string[]): string | undefined {
  const extra = Object.keys(obj).filter((k) => !allowed.includes(k));
  return extra.length > 0
    ? `unknown key(s): ${extra
        .slice(0, 5)
        .map((k) => JSON.stringify(k.slice(0, 40)))
        .join(', ')}`
    : undefined;
}

/**
 * `content/set`: either the bare content id (`promo-42`) or `{"content_id": "promo-42"}`;
 * `{"content_id": null}` clears it (nothing playing).
 */
export function parseContentSet(payload: Uint8Array): Parsed<string | null> {
  const text = decode(payload);
  if (!text.ok) return text;
  const trimmed = text.value.trim();
  let id: unknown = trimmed;
  if (trimmed.startsWith('{')) {
    const obj = parseJsonObject(trimmed);
    if (!obj.ok) return obj;
    const extra = unknownKeys(obj.value, ['content_id']);
    if (extra) return fail(extra);
    if (!('content_id' in obj.value)) return fail('missing "content_id"');
    id = obj.value.content_id;
    if (id === null) return { ok: true, value: null };
  }
  if (typeof id !== 'string') return fail(`"content_id" must be a string or null, got ${typeof id}`);
  if (!CONTENT_ID_PATTERN.test(id)) return fail('content id must be 1-128 characters of A-Z a-z 0-9 . _ : - (starting with a letter or digit)');
  return { ok: true, value: id };
}

export interface Command {
  command: CommandName;
  requestId: string | null;
}

/** `command`: `{"command": "ping", "request_id": "abc"}`; request_id is optional and echoed back. */
export function parseCommand(payload: Uint8Array): Parsed<Command> {
  const text = decode(payload);
  if (!text.ok) return text;
  const obj = parseJsonObject(text.value);
  if (!obj.ok) return obj;
  const extra = unknownKeys(obj.value, ['command', 'request_id']);
  if (extra) return fail(extra);
  const { command, request_id: requestId } = obj.value;
  if (typeof command !== 'string') return fail(`"command" must be a string, got ${command === null ? 'null' : typeof command}`);
  if (!(COMMANDS as readonly string[]).includes(command)) {
    return fail(`unknown command ${JSON.stringify(command.slice(0, 40))} (known: ${COMMANDS.join(', ')})`);
  }
  if (requestId !== undefined && requestId !== null && (typeof requestId !== 'string' || !REQUEST_ID_PATTERN.test(requestId))) {
    return fail('"request_id" must be 1-64 characters of A-Z a-z 0-9 . _ : -');
  }
  return { ok: true, value: { command: command as CommandName, requestId: (requestId as string | undefined) ?? null } };
}
