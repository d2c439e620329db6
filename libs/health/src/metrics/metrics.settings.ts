import { HealthConfigurationError } from '../core/errors';
import type { HealthMetricsCollector } from './metrics-collector';
import { isMetricsCollector } from './metrics-collector';

/** The settings of `HealthMetricsModule` that may come from `forRootAsync`'s factory. */
export interface HealthMetricsRuntimeOptions {
  /** Also collect Node's process metrics (prom-client's default metrics). Default false. */
  defaultMetrics?: boolean;
  /**
   * Bearer token(s) a scrape must present (`Authorization: Bearer <token>`); without a valid one
   * the answer is 401 and nothing else. Several: any of them (to rotate). Unset: open to all.
   * At least 16 characters of `A-Z a-z 0-9 - . _ ~ + /`, then optional `=`.
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

/** RFC 6750's b64token, at least 16 characters: `openssl rand -hex 32` and `-base64 32` fit. */
const TOKEN = /^[A-Za-z0-9\-._~+/]{16,}=*$/;

export const METRICS_TOKEN_EXPECTED =
  'a bearer token of at least 16 characters: letters, digits, - . _ ~ + / (then optional =)';

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

/** A token or a list of them, each checked; a bad one is refused without being shown. */
export function resolveTokens(setting: string, token: unknown): string[] {
  if (token === undefined) return [];
  const tokens: unknown[] = Array.isArray(token) ? token : [token];
  if (tokens.length === 0 || !tokens.every((t) => typeof t === 'string' && TOKEN.test(t))) {
    throw new HealthConfigurationError(setting, '***', METRICS_TOKEN_EXPECTED);
  }
  return tokens as string[];
}
