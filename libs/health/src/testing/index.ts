// @nest-health/core/testing: clocks for tests, and a reader of Prometheus text.
export { dateClock, ManualClock } from './clocks';
export {
  parseMetrics,
  select as metricSamples,
  stateSets as metricStateSets,
  valueOf as metricValue,
} from './prometheus-text';
export type { Sample } from './prometheus-text';
