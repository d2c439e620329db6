import './peer';

export { HealthMetricsModule } from './health-metrics.module';
export type { HealthMetricsOptions } from './health-metrics.module';
export {
  HEALTH_CHECK_DURATION_BUCKETS,
  HEALTH_METRIC_NAMES,
  HEALTH_METRICS_REGISTRY,
} from './metrics.constants';
