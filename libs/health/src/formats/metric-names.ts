/** Names of the health metrics, as scraped. */
export const HEALTH_METRIC_NAMES = {
  componentStatus: 'health_component_status',
  overallStatus: 'health_overall_status',
  checkDuration: 'health_check_duration_seconds',
  checkRuns: 'health_check_runs_total',
  checkTimeouts: 'health_check_timeouts_total',
  configVersion: 'health_config_version',
  configReloadFailures: 'health_config_reload_failures_total',
  evaluationAge: 'health_evaluation_age_seconds',
} as const;

/** Names of the cache metrics (`CacheMetricsCollector`), as scraped. */
export const CACHE_METRIC_NAMES = {
  hits: 'cache_hits_total',
  misses: 'cache_misses_total',
  operationDuration: 'cache_operation_duration_seconds',
  memoryFallbackActive: 'cache_memory_fallback_active',
} as const;

/** Names of the circuit breaker metrics (`CircuitBreakerMetricsCollector`), as scraped. */
export const CIRCUIT_BREAKER_METRIC_NAMES = {
  state: 'circuit_breaker_state',
  successes: 'circuit_breaker_successes_total',
  failures: 'circuit_breaker_failures_total',
  rejections: 'circuit_breaker_rejections_total',
  breaks: 'circuit_breaker_breaks_total',
} as const;
