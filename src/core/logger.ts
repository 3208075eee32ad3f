import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

/**
 * The one logger of the process: JSON lines to stdout for journald. `pretty` is only for a person at a
 * terminal. Secrets are redacted by path as a second line of defence; the first is never logging them.
 */
export function createLogger(opts: { level?: string; pretty?: boolean; destination?: DestinationStream } = {}): Logger {
  const options = {
    level: opts.level ?? 'info',
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['password', 'token', '*.password', '*.token', '*.*.password', 'headers.authorization', 'req.headers.authorization', 'req.headers.cookie'],
      censor: '***',
    },
    serializers: { err: pino.stdSerializers.err },
  };
  if (opts.pretty) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true } } });
  }
  return pino(options, opts.destination ?? pino.destination({ fd: 1, sync: false }));
}
