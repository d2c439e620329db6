import { HealthConfigurationError } from '../shared/errors';
import { accessSecret, ACCESS_SECRET_EXPECTED } from '../shared/access-secret';
import type { HealthMetricsCollector } from './metrics-collector';
import { isMetricsCollector } from './metrics-collector';

/** The settings of `HealthMetricsModule` that may come from `forRootAsync`'s factory. */
export interface HealthMetricsRuntimeOptions {
  /** Also collect Node's process metrics (prom-client's default metrics). Default false. */
  defaultMetrics?: boolean;
  /**
   * Token(s) a scrape must present (`Authorization: Bearer <token>` or `X-API-Key: <token>`);
   * without a valid one the answer is 401 and nothing else. Several: any of them (to rotate).
   * Unset: open to all. The rule of every access secret: at least 16 characters of
   * `A-Z a-z 0-9 - . _ ~ + /`, then optional `=`.
   */
  token?: string | readonly string[];
  /** More metrics in the registry, attached while the module lives (cache, circuit breakers). */
  collectors?: readonly HealthMetricsCollector[];
}

/** DI token of the resolved runtime settings. */
export const HEALTH_METRICS_SETTINGS = Symbol('HEALTH_METRICS_SETTINGS');

export interface ResolvedMetricsSettings {
  defaultMetrics: boolean;
  /** Never shown, never logged. */
  tokens: readonly string[];
  collectors: readonly HealthMetricsCollector[];
}

export function resolveMetricsSettings(
  options: HealthMetricsRuntimeOptions | undefined,
): ResolvedMetricsSettings {
  if (options === null || typeof options !== 'object') {
    throw new HealthConfigurationError('metrics', typeof options, 'an object');
  }
  const { defaultMetrics, token, collectors = [] } = options;
  if (defaultMetrics !== undefined && typeof defaultMetrics !== 'boolean') {
    throw new HealthConfigurationError('metrics.defaultMetrics', defaultMetrics, 'true or false');
  }
  if (!Array.isArray(collectors) || !collectors.every(isMetricsCollector)) {
    throw new HealthConfigurationError(
      'metrics.collectors',
      Array.isArray(collectors) ? '[...]' : typeof collectors,
      'an array of collectors: { attach(registry), detach(registry) }',
    );
  }
  return {
    defaultMetrics: defaultMetrics ?? false,
    tokens: resolveTokens('metrics.token', token),
    collectors,
  };
}

/** A token or a non-empty list of them, each held to the access-secret rule, never shown. */
function resolveTokens(setting: string, token: unknown): string[] {
  if (token === undefined) return [];
  const tokens: unknown[] = Array.isArray(token) ? token : [token];
  if (tokens.length === 0)
    throw new HealthConfigurationError(setting, '***', ACCESS_SECRET_EXPECTED);
  return tokens.map((t) => accessSecret(setting, t));
}
