import { HealthConfigurationError } from '../core/errors';
import type { HealthModuleOptions } from '../health.options';
import { HEALTH_DEFAULTS, milliseconds } from '../health.options';

export interface TrendOptions {
  /** How long samples are kept. Default 24 h. One sample per periodic evaluation. */
  retentionMs?: number;
}

/** What the trend store and `HealthTrends` read: the sampling interval is the engine's. */
export interface TrendSettings {
  intervalMs: number;
  retentionMs: number;
}

export const TREND_DEFAULTS = { retentionMs: 24 * 60 * 60 * 1000 } as const;

/** Trend settings from the module options; `trends: false` or no periodic evaluation keeps none. */
export function resolveTrendSettings(options: HealthModuleOptions = {}): TrendSettings {
  const trends = options.trends ?? {};
  const intervalMs =
    trends === false
      ? 0
      : milliseconds(
          'evaluationIntervalMs',
          options.evaluationIntervalMs ?? HEALTH_DEFAULTS.evaluationIntervalMs,
        );
  if (trends !== false && (trends === null || typeof trends !== 'object')) {
    throw new HealthConfigurationError('trends', trends, 'false or { retentionMs }');
  }
  const retentionMs = milliseconds(
    'trends.retentionMs',
    (trends || {}).retentionMs ?? TREND_DEFAULTS.retentionMs,
    1,
  );
  if (intervalMs > 0 && retentionMs < intervalMs) {
    throw new HealthConfigurationError(
      'trends.retentionMs',
      retentionMs,
      `at least evaluationIntervalMs (${intervalMs})`,
    );
  }
  return { intervalMs, retentionMs };
}

/** DI token of the resolved `TrendSettings`. */
export const TREND_SETTINGS = Symbol('TREND_SETTINGS');
