// @nest-health/core/testing: a test engine and helpers around HealthService, clocks for tests,
// and a reader of Prometheus text. Loads no optional peer and no test framework.
export { createTestHealthService, firstEvaluation, forceStatus } from './health-service';
export { dateClock, ManualClock } from './clocks';
export {
  parseMetrics,
  select as metricSamples,
  stateSets as metricStateSets,
  valueOf as metricValue,
} from './prometheus-text';
export type { Sample } from './prometheus-text';
