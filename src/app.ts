import type { Logger } from 'pino';
import type { GlanceConfig } from './config/schema.ts';
import { EventBus } from './core/bus.ts';
import { Mailbox } from './core/mailbox.ts';
import { HealthRegistry } from './core/health.ts';
import { StageRunner } from './core/stages.ts';
import type { Stage } from './core/stage.ts';
import type { Frame, GlanceEvents } from './core/types.ts';

/** What every stage may be handed; each stage takes only the slice of config it needs. */
export interface AppContext {
  config: GlanceConfig;
  log: Logger;
  bus: EventBus<GlanceEvents>;
  frames: Mailbox<Frame>;
  health: HealthRegistry;
}

/**
 * Wires the pipeline: capture → inference → audience → telemetry (SQLite, MQTT) → dashboard.
 * No process code here (signals, exit codes and systemd live in main.ts), so tests can run an App.
 */
export class App {
  readonly context: AppContext;
  private runner: StageRunner | undefined;

  constructor(config: GlanceConfig, log: Logger) {
    this.context = {
      config,
      log,
      bus: new EventBus<GlanceEvents>(log.child({ module: 'bus' })),
      frames: new Mailbox<Frame>(),
      health: new HealthRegistry(),
    };
  }

  /** The stages in data-flow order. Each gets a child logger and its own config slice. */
  buildStages(): Stage[] {
    const stages: Stage[] = [];
    return stages;
  }

  async start(signal: AbortSignal): Promise<void> {
    this.runner = new StageRunner(this.buildStages(), this.context.log.child({ module: 'app' }));
    await this.runner.start(signal);
  }

  async stop(): Promise<void> {
    this.context.frames.close();
    await this.runner?.stop();
  }
}
