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
    tls: Type.Object(
      {
        cert: Type.Optional({ ...Secret, description: 'certificate chain (PEM): {file: PATH}, {credential: NAME}, or the PEM text itself' }),
        key: Type.Optional({ ...Secret, description: 'its private key (PEM): {file: PATH}, {credential: NAME}, or the PEM text itself' }),
      },
      { additionalProperties: false, default: {}, description: 'set cert and key to serve https (the session cookie is then Secure); unset: plain http' },
    ),
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
      description: 'failed logins (or wrong Bearer tokens) per client address (IPv6: per /64) per minute before 429, and 20 times this from all addresses together; a right token is never refused',
    }),
    liveMaxHz: Type.Number({
      default: 10,
      exclusiveMinimum: 0,
      maximum: 60,
      description: 'most /api/live (Server-Sent Events) updates sent per second to each client',
    }),
    maxConnections: Type.Integer({
      default: 256,
      minimum: 1,
      maximum: 100000,
      description: 'open HTTP connections at once; more are closed at once (a request must arrive within 10 s, an idle connection closes after 30 s)',
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
