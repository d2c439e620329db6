export { HealthTrends } from './health-trends.service';
export { TREND_WINDOWS } from '../shared/trend-window';
export type { TrendWindow } from '../shared/trend-window';
export type {
  ComponentTrend,
  ResponseTimeSummary,
  TrendDirection,
  TrendsReport,
} from './trend.types';
