import type { TrendWindow } from '../shared/trend-window';

/** Where a window's figures are heading, from comparing its older half with its newer half. */
export type TrendDirection = 'improving' | 'stable' | 'degrading';

/** Response-time statistics over a window, in milliseconds. */
export interface ResponseTimeSummary {
  avg: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** One component over one window. Shares and figures are null when the window has no sample. */
export interface ComponentTrend {
  samples: number;
  availability_pct: number | null;
  degraded_pct: number | null;
  unhealthy_pct: number | null;
  response_time_ms: ResponseTimeSummary | null;
  status_changes: number;
  /** Epoch seconds of the newest sample whose status differs from the one before it. */
  last_change_at: number | null;
  trend: TrendDirection;
}

/** `GET /v1/health/trends` and `HealthTrends.analyze()`: names and figures, never messages. */
export interface TrendsReport {
  window: TrendWindow;
  interval_ms: number;
  retention_ms: number;
  /** Epoch seconds; the window is the `window` before this instant. */
  generated_at: number;
  components: Record<string, ComponentTrend>;
}
