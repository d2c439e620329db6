import type { HealthEnv } from '../health.env';
import { envReader } from '../health.env';
import type { HealthMetricsRuntimeOptions } from './metrics.settings';
import { resolveTokens } from './metrics.settings';

/** The variable of the scrape token. */
export const METRICS_TOKEN_VARIABLE = 'HEALTH_METRICS_TOKEN';

/**
 * Metrics settings from the environment: `HEALTH_METRICS_TOKEN`, one bearer token or several
 * separated by commas (to rotate without downtime). Unset or empty: `/metrics` is open. A bad
 * token names the variable and never shows its value.
 */
export function healthMetricsOptionsFromEnv(env: HealthEnv): HealthMetricsRuntimeOptions {
  const raw = envReader(env)(METRICS_TOKEN_VARIABLE);
  if (raw === undefined || raw === '') return {};
  const tokens = resolveTokens(
    METRICS_TOKEN_VARIABLE,
    raw.split(',').map((t) => t.trim()),
  );
  return { token: tokens };
}
