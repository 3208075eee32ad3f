import { randomUUID } from 'node:crypto';

/**
 * What every published message starts with (docs/schemas/): the schema it follows, a fresh
 * message_id (consumers deduplicate QoS 1 redeliveries by it), the device and an ISO-8601 UTC
 * timestamp. Shared by the MQTT builders and the health message, which the dashboard serves too.
 */
export const SCHEMA = {
  visit: 'glance.visit/1',
  stats: 'glance.stats/2',
  breakdown: 'glance.breakdown/1',
  health: 'glance.health/1',
  live: 'glance.live/1',
  status: 'glance.status/1',
  commandResult: 'glance.command_result/1',
} as const;

export type SchemaId = (typeof SCHEMA)[keyof typeof SCHEMA];

interface Envelope {
  schema: SchemaId;
  message_id: string;
  device_id: string;
  timestamp: string;
}

export const iso = (ms: number) => new Date(ms).toISOString();

export function envelope(schema: SchemaId, deviceId: string, nowMs: number): Envelope {
  return { schema, message_id: randomUUID(), device_id: deviceId, timestamp: iso(nowMs) };
}
