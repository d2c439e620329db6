/** Names of the health metrics, as scraped. */
export const HEALTH_METRIC_NAMES = {
  componentStatus: 'health_component_status',
  overallStatus: 'health_overall_status',
  checkDuration: 'health_check_duration_seconds',
  checkRuns: 'health_check_runs_total',
  checkTimeouts: 'health_check_timeouts_total',
  configVersion: 'health_config_version',
  configReloadFailures: 'health_config_reload_failures_total',
} as const;
