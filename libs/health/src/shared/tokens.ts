/**
 * DI token of the prom-client `Registry` health metrics live in, provided by `HealthMetricsModule`.
 * Other consumers (webhooks) add their counters to it when it is there.
 */
export const HEALTH_METRICS_REGISTRY = Symbol.for('@nest-health/core:HEALTH_METRICS_REGISTRY');

/**
 * What the library calls on the registry of `HEALTH_METRICS_REGISTRY`, by shape: prom-client's
 * `Registry` satisfies it, and a type naming it needs no prom-client (an entry whose users did
 * not install prom-client, like the webhooks, must type-check without it).
 */
export interface MetricsRegistry {
  getSingleMetric(name: string): unknown;
  removeSingleMetric(name: string): void;
  registerMetric(metric: unknown): void;
}

/**
 * DI token of the options given to `HealthModule.forRoot()` (or made by `forRootAsync`'s
 * factory). Each part reads its own slice of them, typed by its own options interface.
 */
export const HEALTH_MODULE_OPTIONS = Symbol.for('@nest-health/core:HEALTH_MODULE_OPTIONS');
