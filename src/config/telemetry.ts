import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Secret } from './secret.ts';

export const StorageConfig = Type.Object(
  {
    dataDir: Type.String({ default: 'data', description: 'SQLite database and backups (systemd: /var/lib/glance)' }),
  },
  { additionalProperties: false, default: {} },
);
export type StorageConfig = Static<typeof StorageConfig>;

/** The same schema with a description (TypeBox schemas are plain objects; the spread keeps its Kind). */
function described<T extends TSchema>(schema: T, description: string): T {
  return { ...schema, description };
}

/**
 * MQTT: events for back-office systems. With `url` unset an embedded broker (aedes) is started so a
 * back office on the same box or LAN can subscribe; with `url` set Glance connects out to that broker.
 */
export const MqttConfig = Type.Object(
  {
    enabled: Type.Boolean({ default: true, description: 'publish events over MQTT' }),
    url: Type.Optional(Type.String({ pattern: '^(mqtts?|wss?|tcp|ssl)://', description: 'external broker (mqtt://, mqtts:// for TLS); unset = embedded broker' })),
    prefix: Type.String({ default: 'glance', pattern: '^[^#+/][^#+]*$', description: 'topic prefix: topics are <prefix>/<device.id>/...' }),
    username: Type.Optional(Type.String({ description: 'external broker user name' })),
    password: Type.Optional(described(Secret, 'external broker password: a string, {file: PATH} or {credential: NAME}')),
    ca: Type.Optional(Type.String({ description: 'CA certificate file (PEM) that signed the broker certificate' })),
    cert: Type.Optional(Type.String({ description: 'client certificate file (PEM), for brokers that require one' })),
    key: Type.Optional(Type.String({ description: 'client private key file (PEM), with cert' })),
    reconnectMinMs: Type.Integer({ default: 1000, minimum: 100, description: 'first reconnect delay; doubles per failed attempt' }),
    reconnectMaxMs: Type.Integer({ default: 30000, minimum: 100, description: 'longest reconnect delay' }),
    embedded: Type.Object(
      {
        host: Type.String({ default: '127.0.0.1', description: 'embedded broker bind address (0.0.0.0 lets the LAN subscribe; anything but loopback requires username and password)' }),
        port: Type.Integer({ default: 1883, minimum: 0, maximum: 65535, description: 'embedded broker port' }),
        username: Type.Optional(Type.String({ description: 'when set, clients of the embedded broker must log in with it' })),
        password: Type.Optional(described(Secret, 'password for embedded.username: a string, {file: PATH} or {credential: NAME}')),
        maxConnections: Type.Integer({ default: 32, minimum: 1, maximum: 10000, description: 'client connections at once (besides Glance itself); more are closed at once' }),
        maxPacketBytes: Type.Integer({ default: 1048576, minimum: 16384, maximum: 268435455, description: 'largest MQTT packet a client may send; a larger one closes its connection' }),
      },
      { additionalProperties: false, default: {}, description: 'the broker started when url is unset' },
    ),
    healthIntervalS: Type.Number({ default: 30, minimum: 1, description: 'seconds between retained health messages' }),
    liveIntervalS: Type.Number({ default: 0, minimum: 0, description: 'seconds between live (people in view) messages; 0 disables the live topic' }),
    visits: Type.Boolean({
      default: false,
      description:
        'opt-in: publish one `visit` message per person (age band, gender, dominant emotion, dwell and attention seconds, start and end times to the millisecond, content id), NOT k-anonymised; the /notice page then says so. Off: no per-person record is written or sent, only k-anonymised per-minute stats',
    }),
    visitMaxAgeS: Type.Integer({
      default: 3600,
      minimum: 1,
      description:
        'an undelivered visit message (broker unreachable) is deleted from the outbox this long after it was queued: per-person rows stay on disk only as long as it takes to deliver them. One hour rides out a broker restart or a short outage; the per-minute stats still arrive after a longer one',
    }),
    outboxMax: Type.Integer({ default: 100000, minimum: 10, description: 'most unsent visit/stats messages kept; beyond it the oldest are dropped (counted)' }),
    homeAssistant: Type.Boolean({ default: false, description: 'publish Home Assistant MQTT discovery for people in view, watchers per hour, device health' }),
    homeAssistantPrefix: Type.String({ default: 'homeassistant', pattern: '^[^#+/][^#+]*$', description: 'Home Assistant discovery prefix' }),
  },
  { additionalProperties: false, default: {} },
);
export type MqttConfig = Static<typeof MqttConfig>;
