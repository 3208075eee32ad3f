import type { Logger } from 'pino';
import { App } from './app.ts';
import { loadConfig } from './config/load.ts';
import type { GlanceConfig } from './config/schema.ts';
import { createLogger } from './core/logger.ts';
import { SdNotify } from './core/sd-notify.ts';
import { glanceVersion } from './core/version.ts';
import { ConfigError, EXIT, exitCodeOf, StartupCancelled } from './core/errors.ts';

export { EXIT };

export interface RunOptions {
  configPath?: string;
  pretty?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Builds the app; tests pass one with instrumented stages to exercise the real signal handling. */
  createApp?: (config: GlanceConfig, log: Logger) => App;
}

/**
 * The daemon's process shell: config, logger, signals, systemd notification and exit codes.
 * SIGTERM/SIGINT stop gracefully within shutdownTimeoutMs; a second signal forces exit; a signal
 * during start-up aborts it through the AbortSignal each stage's start() receives. A stage that fails
 * at run time (HealthRegistry.fail) stops the daemon the same way, with exit 1; the systemd watchdog
 * is pinged only while every stage is live (HealthRegistry.liveness).
 */
export async function runDaemon(opts: RunOptions = {}): Promise<number> {
  const env = opts.env ?? process.env;
  let config;
  try {
    config = loadConfig(opts.configPath, env).config;
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`glance: ${err.message}\n`);
      return EXIT.config;
    }
    throw err;
  }
  const log = createLogger({ level: config.log.level, pretty: opts.pretty });
  const notify = new SdNotify(log.child({ module: 'systemd' }), env);
  const app = opts.createApp ? opts.createApp(config, log) : new App(config, log);
  const startup = new AbortController();
  let stopping: Promise<number> | undefined;
  let resolveStopped!: (code: number) => void;
  const stopped = new Promise<number>((resolve) => (resolveStopped = resolve));

  const beginStop = (why: string, code: number) => {
    startup.abort(new StartupCancelled(`start-up cancelled by ${why}`));
    stopping = shutdown(app, log, notify, config.shutdownTimeoutMs).then((stopCode) => (code === EXIT.ok ? stopCode : code));
    void stopping.then(resolveStopped);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: forcing exit');
      flushAndExit(log, EXIT.failure);
      return;
    }
    log.info({ signal }, 'stopping');
    beginStop(signal, EXIT.ok);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  // A stage that cannot go on (inference after maxConsecutiveFailures): stop cleanly, so the open
  // minute is still written, and exit 1 for systemd's Restart=on-failure.
  app.context.health.onFailure((source, err) => {
    if (stopping) return;
    log.fatal({ err, stage: source }, 'stage failed: stopping, exit 1');
    beginStop(`${source} failure`, EXIT.failure);
  });

  try {
    log.info({ version: glanceVersion(), device: config.device.id }, 'glance starting');
    await app.start(startup.signal);
    if (stopping) return await stopping;
    notify.ready(() => app.context.health.liveness());
    log.info('glance ready');
    // Stages may hold no handle of their own (all idle): keep the process alive until a signal.
    const keepAlive = setInterval(() => {}, 1 << 30);
    try {
      return await stopped;
    } finally {
      clearInterval(keepAlive);
    }
  } catch (err) {
    if (stopping || err instanceof StartupCancelled) {
      log.info('start-up cancelled');
      return await (stopping ?? Promise.resolve(EXIT.ok));
    }
    const code = exitCodeOf(err) ?? EXIT.failure;
    log.fatal({ err }, 'glance failed to start');
    await app.stop().catch(() => {});
    return code;
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
}

async function shutdown(app: App, log: Logger, notify: SdNotify, budgetMs: number): Promise<number> {
  notify.stopping();
  const timer = setTimeout(() => {
    log.error({ budgetMs }, 'graceful stop took too long: forcing exit');
    flushAndExit(log, EXIT.failure);
  }, budgetMs);
  timer.unref();
  try {
    await app.stop();
    log.info('glance stopped');
    return EXIT.ok;
  } catch (err) {
    log.error({ err }, 'error while stopping');
    return EXIT.failure;
  } finally {
    clearTimeout(timer);
  }
}

function flushAndExit(log: Logger, code: number): never {
  try {
    log.flush();
  } catch {
    /* exiting anyway */
  }
  process.exit(code);
}
