export { CacheIndicator, REDIS_UNAVAILABLE } from './cache.indicator';
export type {
  CacheIndicatorOptions,
  CacheStats,
  CacheThresholds,
  RedisPingable,
} from './cache.indicator';
