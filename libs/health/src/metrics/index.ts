// @nest-health/core/metrics: GET /metrics in the Prometheus format. Needs the optional peer
// `prom-client`.
import './peer';

export { HealthMetricsModule } from './health-metrics.module';
export { HealthMetricsGuard } from './metrics.guard';
export type { HealthMetricsAsyncOptions, HealthMetricsOptions } from './health-metrics.module';
export type { HealthMetricsRuntimeOptions } from './metrics.settings';
export { healthMetricsOptionsFromEnv } from './metrics.env';
export { HEALTH_METRIC_NAMES } from './metrics.constants';
export type { HealthMetricsCollector } from './metrics-collector';
export { CacheMetricsCollector } from './cache.collector';
export type { CacheMetricsSource, CacheOperationEvent } from './cache.collector';
export { CircuitBreakerMetricsCollector } from './circuit-breaker.collector';
export type { CircuitBreakerMetricsSource } from './circuit-breaker.collector';
