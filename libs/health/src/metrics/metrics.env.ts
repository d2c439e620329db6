import type { HealthEnv } from '../shared/env';
import { envGetter, envSecretList } from '../shared/env';
import type { HealthMetricsRuntimeOptions } from './metrics.settings';

/** The variable of the scrape token. */
export const METRICS_TOKEN_VARIABLE = 'HEALTH_METRICS_TOKEN';

/**
 * Metrics settings from the environment: `HEALTH_METRICS_TOKEN`, one token or several separated
 * by commas (or a JSON array), to rotate without downtime. Unset or empty (`''`): `/metrics` is
 * open. Set but blank (spaces, commas) or a token breaking the access-secret rule: an error
 * naming the variable, never showing its value.
 */
export function healthMetricsOptionsFromEnv(env: HealthEnv): HealthMetricsRuntimeOptions {
  const tokens = envSecretList(METRICS_TOKEN_VARIABLE, envGetter(env)(METRICS_TOKEN_VARIABLE));
  return tokens === undefined ? {} : { token: tokens };
}
