export { CacheIndicator, REDIS_UNAVAILABLE } from './cache.indicator';
export type { CacheIndicatorOptions, CacheStats, RedisPingable } from './cache.indicator';
