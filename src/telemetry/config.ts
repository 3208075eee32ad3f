import { Type, type Static } from '@sinclair/typebox';
import { Secret } from '../config/secret.ts';

export const StorageConfig = Type.Object(
  {
    dataDir: Type.String({ default: 'data', description: 'SQLite database and backups (systemd: /var/lib/glance)' }),
  },
  { additionalProperties: false, default: {} },
);
export type StorageConfig = Static<typeof StorageConfig>;

export const MqttConfig = Type.Object(
  {
    enabled: Type.Boolean({ default: true }),
    url: Type.Optional(Type.String({ pattern: '^(mqtts?|wss?|tcp|ssl)://', description: 'external broker; unset = embedded broker' })),
    prefix: Type.String({ default: 'glance', pattern: '^[^#+/][^#+]*$' }),
    username: Type.Optional(Type.String()),
    password: Type.Optional(Secret),
    ca: Type.Optional(Type.String({ description: 'CA certificate file (PEM)' })),
    cert: Type.Optional(Type.String({ description: 'client certificate file (PEM)' })),
    key: Type.Optional(Type.String({ description: 'client key file (PEM)' })),
    embedded: Type.Object(
      {
        host: Type.String({ default: '127.0.0.1' }),
        port: Type.Integer({ default: 1883, minimum: 0, maximum: 65535 }),
        username: Type.Optional(Type.String()),
        password: Type.Optional(Secret),
      },
      { additionalProperties: false, default: {} },
    ),
    healthIntervalS: Type.Number({ default: 30, minimum: 1 }),
    liveIntervalS: Type.Number({ default: 0, minimum: 0, description: '0 disables the live topic' }),
    outboxMax: Type.Integer({ default: 100000, minimum: 10 }),
    homeAssistant: Type.Boolean({ default: false }),
  },
  { additionalProperties: false, default: {} },
);
export type MqttConfig = Static<typeof MqttConfig>;
