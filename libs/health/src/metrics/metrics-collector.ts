import type { Registry } from 'prom-client';

/**
 * More metrics in the health registry, registered with `HealthMetricsModule`'s `collectors`:
 * attached when the module starts, detached when it closes. `CacheMetricsCollector` and
 * `CircuitBreakerMetricsCollector` are two; an app may write its own.
 */
export interface HealthMetricsCollector {
  /**
   * Registers the metrics in `registry` and starts feeding them. Returns the names it took over
   * from metrics another instance left there (a previous app in the same process).
   */
  attach(registry: Registry): string[];
  /** Stops feeding the metrics and removes those that are still its own from `registry`. */
  detach(registry: Registry): void;
}

/** Whether `value` can be used as a collector. */
export function isMetricsCollector(value: unknown): value is HealthMetricsCollector {
  const collector = value as Partial<HealthMetricsCollector> | null;
  return typeof collector?.attach === 'function' && typeof collector.detach === 'function';
}
