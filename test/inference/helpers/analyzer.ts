import { Value } from '@sinclair/typebox/value';
import { pino } from 'pino';
import { PrivacyConfig } from '../../../src/config/privacy.ts';
import { InferenceConfig } from '../../../src/config/inference.ts';

/** Default configs as the daemon would build them, with overrides; models from the repo's models/. */
export function inferenceConfig(over: Partial<InferenceConfig> = {}): InferenceConfig {
  return { ...(Value.Default(InferenceConfig, {}) as InferenceConfig), providers: ['cpu'], ...over };
}

export function privacyConfig(over: Partial<PrivacyConfig> = {}): PrivacyConfig {
  return { ...(Value.Default(PrivacyConfig, {}) as PrivacyConfig), ...over };
}

export const quietLog = pino({ level: 'silent' });
