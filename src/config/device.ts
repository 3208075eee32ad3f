import { Type, type Static } from '@sinclair/typebox';

export const DeviceConfig = Type.Object(
  {
    id: Type.String({ default: 'glance-1', pattern: '^[A-Za-z0-9_-]{1,64}$', description: 'stable device id, used in MQTT topics' }),
    name: Type.String({ default: 'Glance', maxLength: 200 }),
    location: Type.String({ default: '', maxLength: 200 }),
    operatorContact: Type.String({ default: '', maxLength: 500, description: 'shown on the /notice page' }),
  },
  { additionalProperties: false, default: {} },
);
export type DeviceConfig = Static<typeof DeviceConfig>;
