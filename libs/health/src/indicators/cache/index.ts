export {
  CacheIndicator,
  DEFAULT_CACHE_MIN_OPERATIONS,
  REDIS_UNAVAILABLE,
  resolveCacheThresholds,
} from './cache.indicator';
export type {
  CacheIndicatorOptions,
  CacheStats,
  CacheThresholds,
  RedisPingable,
  ResolvedCacheThresholds,
} from './cache.indicator';
