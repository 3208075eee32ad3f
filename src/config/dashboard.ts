import { Type, type Static } from '@sinclair/typebox';
import { Secret } from './secret.ts';

export const DashboardConfig = Type.Object(
  {
    enabled: Type.Boolean({ default: true, description: 'serve the local dashboard page and HTTP API' }),
    host: Type.String({ default: '127.0.0.1', description: 'listen address; anything but loopback requires auth (see auth)' }),
    port: Type.Integer({ default: 8080, minimum: 0, maximum: 65535, description: 'listen port (0 = any free port)' }),
    auth: Type.Union([Type.Literal('token'), Type.Literal('none')], {
      default: 'token',
      description: 'off loopback a token is required unless this is explicitly none',
    }),
    token: Type.Optional(Secret),
    sessionHours: Type.Number({
      default: 12,
      exclusiveMinimum: 0,
      maximum: 720,
      description: 'how long a browser login (session cookie) stays valid',
    }),
    loginAttemptsPerMinute: Type.Integer({
      default: 5,
      minimum: 1,
      maximum: 1000,
      description: 'failed logins (or wrong Bearer tokens) allowed per client address per minute before 429',
    }),
    liveMaxHz: Type.Number({
      default: 10,
      exclusiveMinimum: 0,
      maximum: 60,
      description: 'most /api/live (Server-Sent Events) updates sent per second to each client',
    }),
    maxLiveClients: Type.Integer({
      default: 20,
      minimum: 1,
      maximum: 1000,
      description: 'concurrent /api/live streams; more get 503',
    }),
  },
  { additionalProperties: false, default: {} },
);
export type DashboardConfig = Static<typeof DashboardConfig>;
