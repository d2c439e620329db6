/**
 * DI token of the prom-client `Registry` health metrics live in, provided by `HealthMetricsModule`.
 * Other consumers (webhooks) add their counters to it when it is there.
 */
export const HEALTH_METRICS_REGISTRY = Symbol.for('@nest-health/core:HEALTH_METRICS_REGISTRY');

/**
 * DI token of the options given to `HealthModule.forRoot()` (or made by `forRootAsync`'s
 * factory). Each part reads its own slice of them, typed by its own options interface.
 */
export const HEALTH_MODULE_OPTIONS = Symbol.for('@nest-health/core:HEALTH_MODULE_OPTIONS');
