/** DI token of the prom-client `Registry` the health metrics live in (default: the global one). */
export { HEALTH_METRICS_REGISTRY } from '../shared/tokens';

export { HEALTH_METRIC_NAMES } from '../formats/metric-names';

/** Histogram buckets of check durations, in seconds: 0.5 ms to 5 s. */
export const HEALTH_CHECK_DURATION_BUCKETS: readonly number[] = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
];
