import { Type, type Static } from '@sinclair/typebox';
import { DeviceConfig } from './device.ts';
import { LogConfig } from './log.ts';
import { CaptureConfig } from './capture.ts';
import { InferenceConfig } from './inference.ts';
import { AudienceConfig } from './audience.ts';
import { PrivacyConfig } from './privacy.ts';
import { StorageConfig, MqttConfig } from './telemetry.ts';
import { DashboardConfig } from './dashboard.ts';

/** The one schema: types, defaults and validation for the whole configuration file. */
export const GlanceConfig = Type.Object(
  {
    device: DeviceConfig,
    capture: CaptureConfig,
    inference: InferenceConfig,
    audience: AudienceConfig,
    privacy: PrivacyConfig,
    storage: StorageConfig,
    mqtt: MqttConfig,
    dashboard: DashboardConfig,
    log: LogConfig,
    shutdownTimeoutMs: Type.Integer({ default: 10000, minimum: 100, description: 'graceful stop budget before a forced exit' }),
  },
  { additionalProperties: false },
);
export type GlanceConfig = Static<typeof GlanceConfig>;
