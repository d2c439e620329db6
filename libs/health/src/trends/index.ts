export { HealthTrends } from './health-trends.service';
export { TREND_WINDOWS } from './trend-window';
export type { TrendWindow } from './trend-window';
export type {
  ComponentTrend,
  ResponseTimeSummary,
  TrendDirection,
  TrendsReport,
} from './trend.types';
