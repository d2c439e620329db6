import './peer';

export { HealthMetricsModule } from './health-metrics.module';
export type {
  HealthMetricsAsyncOptions,
  HealthMetricsOptions,
  HealthMetricsPlacement,
} from './health-metrics.module';
export type { HealthMetricsRuntimeOptions } from './metrics.settings';
export { healthMetricsOptionsFromEnv } from './metrics.env';
export {
  HEALTH_CHECK_DURATION_BUCKETS,
  HEALTH_METRIC_NAMES,
  HEALTH_METRICS_REGISTRY,
} from './metrics.constants';
export { CACHE_METRIC_NAMES, CIRCUIT_BREAKER_METRIC_NAMES } from '../formats/metric-names';
export type { HealthMetricsCollector } from './metrics-collector';
export { CACHE_DURATION_BUCKETS, CacheMetricsCollector } from './cache.collector';
export type {
  CacheMetricsOptions,
  CacheMetricsSource,
  CacheOperationEvent,
  CacheOperationKind,
  CacheTier,
} from './cache.collector';
export {
  CIRCUIT_BREAKER_STATES,
  CircuitBreakerMetricsCollector,
} from './circuit-breaker.collector';
export type {
  CircuitBreakerFigures,
  CircuitBreakerMetricsSource,
} from './circuit-breaker.collector';
