import type { Logger } from 'pino';
import type { GlanceConfig } from './config/schema.ts';
import { EventBus } from './core/bus.ts';
import { Mailbox } from './core/mailbox.ts';
import { HealthRegistry } from './core/health.ts';
import { StageRunner } from './core/stage-runner.ts';
import type { Stage } from './core/stage.ts';
import type { Frame, GlanceEvents } from './core/types.ts';
import { InferenceStage } from './inference/stage.ts';
import { AudienceStage } from './audience/stage.ts';
import { StoreStage } from './telemetry/store/stage.ts';
import { MqttStage } from './telemetry/mqtt/stage.ts';
import { DashboardStage } from './dashboard/stage.ts';
import { CaptureStage } from './capture/stage.ts';

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

  /**
   * The stages, sinks first: started in this order and stopped in reverse, so every consumer is
   * listening before the first frame is captured, and on stop capture ends first, open tracks are
   * flushed into visits, the store closes the last minute and MQTT publishes what it can.
   * Order: store → mqtt → dashboard → audience → inference → capture.
   * Each gets a child logger ({ module }) and only its own config slice.
   */
  buildStages(): Stage[] {
    const { config, log, bus, frames, health } = this.context;
    const child = (module: string) => log.child({ module });
    const stages: Stage[] = [];
    // A minute stays open until a visit ended in it has surely been emitted (maxAbsenceMs after the face left).
    const closeDelayMs = Math.max(10_000, config.audience.maxAbsenceMs + 5_000);
    const storeStage = new StoreStage({ config: config.storage, privacy: config.privacy, log: child('store'), bus, health, closeDelayMs });
    stages.push(storeStage);
    stages.push(new MqttStage({ config: config.mqtt, device: config.device, log: child('mqtt'), bus, health, storeStage }));
    stages.push(
      new DashboardStage({
        config: config.dashboard,
        device: config.device,
        privacy: config.privacy,
        mqtt: config.mqtt,
        fullConfig: config,
        dataDir: config.storage.dataDir,
        log: child('dashboard'),
        bus,
        health,
        storeStage,
      }),
    );
    stages.push(new AudienceStage({ config: config.audience, privacy: config.privacy, log: child('audience'), bus, health }));
    stages.push(new InferenceStage({ config: config.inference, privacy: config.privacy, log: child('inference'), frames, bus, health }));
    stages.push(new CaptureStage({ config: config.capture, log: child('capture'), frames, health }));
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
