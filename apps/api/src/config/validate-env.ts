import { aiSettingsFromEnv } from '../ai/ai.config';
import { runtimeSettingsFromEnv } from '../health/runtime.config';
import {
  templateEnabledComponents,
  templateHealthOptions,
  templateWebhookOptions,
} from '../health/template-preset';
import type { EnvSource } from './app.config';
import { logFormatFromEnv } from './logging';
import { parsePort, readInteger } from './app.config';

/**
 * Reads every setting the service has once, so that a bad value stops it before Nest starts,
 * with one line naming the variable and the value. Returns the port.
 */
export function validateEnvironment(env: Readonly<Record<string, string | undefined>>): number {
  const source: EnvSource = env;
  templateHealthOptions(env);
  templateEnabledComponents(env);
  templateWebhookOptions(env);
  aiSettingsFromEnv(source);
  runtimeSettingsFromEnv(source);
  logFormatFromEnv(source);
  readInteger(source, 'REDIS_COMMAND_TIMEOUT_MS', 1000, 1);
  return parsePort(env.PORT);
}
