import { Type, type Static } from '@sinclair/typebox';
import { Secret } from '../config/secret.ts';

export const DashboardConfig = Type.Object(
  {
    enabled: Type.Boolean({ default: true }),
    host: Type.String({ default: '127.0.0.1' }),
    port: Type.Integer({ default: 8080, minimum: 0, maximum: 65535 }),
    auth: Type.Union([Type.Literal('token'), Type.Literal('none')], {
      default: 'token',
      description: 'off loopback a token is required unless this is explicitly none',
    }),
    token: Type.Optional(Secret),
  },
  { additionalProperties: false, default: {} },
);
export type DashboardConfig = Static<typeof DashboardConfig>;
