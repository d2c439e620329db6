import type { CacheIndicatorOptions } from '@nest-health/core';

type CacheThresholds = NonNullable<CacheIndicatorOptions['thresholds']>;
import { HealthConfigurationError } from '@nest-health/core';
import type { EnvSource } from '../config/app.config';
import { readInteger, readRatio, readString } from '../config/app.config';

/** The `resilience` limits, as `ResilienceIndicator` takes them. */
export interface ResilienceThresholds {
  degradedWhenOpen: number;
  unhealthyWhenOpen: number;
}

export interface HostThresholds {
  /** Undefined unless a cache limit is set: the cache figures are then not judged. */
  cache?: CacheThresholds;
  resilience: ResilienceThresholds;
}

/**
 * Thresholds of the `cache` and `resilience` indicators, from `HEALTH_CACHE_*` and
 * `HEALTH_RESILIENCE_*` variables. A bad value throws `HealthConfigurationError` naming the
 * variable. Unset: cache figures are not judged; any open breaker is DEGRADED, none UNHEALTHY.
 */
export function thresholdsFromEnv(env: EnvSource): HostThresholds {
  const minHitRatio = optional(env, 'HEALTH_CACHE_MIN_HIT_RATIO', (name) =>
    readRatio(env, name, 1),
  );
  const maxAverageOperationMs = optional(env, 'HEALTH_CACHE_MAX_AVG_OPERATION_MS', (name) =>
    readInteger(env, name, 1, 1),
  );
  const minOperations = optional(env, 'HEALTH_CACHE_MIN_OPERATIONS', (name) =>
    readInteger(env, name, 1, 1),
  );
  const degradedWhenOpen = readInteger(env, 'HEALTH_RESILIENCE_DEGRADED_WHEN_OPEN', 1, 0);
  const unhealthyWhenOpen = readInteger(env, 'HEALTH_RESILIENCE_UNHEALTHY_WHEN_OPEN', 0, 0);
  if (degradedWhenOpen > 0 && unhealthyWhenOpen > 0 && unhealthyWhenOpen < degradedWhenOpen) {
    throw new HealthConfigurationError(
      'HEALTH_RESILIENCE_UNHEALTHY_WHEN_OPEN',
      readString(env, 'HEALTH_RESILIENCE_UNHEALTHY_WHEN_OPEN'),
      `0 (never) or an integer >= HEALTH_RESILIENCE_DEGRADED_WHEN_OPEN (${degradedWhenOpen})`,
    );
  }
  const cache: CacheThresholds = {
    ...(minHitRatio === undefined ? {} : { minHitRatio }),
    ...(maxAverageOperationMs === undefined ? {} : { maxAverageOperationMs }),
    ...(minOperations === undefined ? {} : { minOperations }),
  };
  return {
    ...(Object.keys(cache).length > 0 ? { cache } : {}),
    resilience: { degradedWhenOpen, unhealthyWhenOpen },
  };
}

function optional<T>(env: EnvSource, name: string, read: (name: string) => T): T | undefined {
  return readString(env, name) === undefined ? undefined : read(name);
}
