/**
 * DI token of the prom-client `Registry` health metrics live in, provided by `HealthMetricsModule`.
 * Other consumers (webhooks) add their counters to it when it is there.
 */
export const HEALTH_METRICS_REGISTRY = Symbol.for('@nest-health/core:HEALTH_METRICS_REGISTRY');
