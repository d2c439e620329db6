import { HealthStatus } from '../core/health-status';
import { ascending, percentile, round } from './figures';
import type { SampleSeries } from './sample-ring';
import { STATUS_CODES } from './status-codes';
import { trendDirection } from './trend-direction';
import type { ComponentTrend, ResponseTimeSummary } from './trend.types';

/** The window a series is analysed over: samples with `startMs < time`, ending at `endMs`. */
export interface AnalysisWindow {
  startMs: number;
  endMs: number;
}

/** One component's figures over a window, from its samples in time order. */
export function analyzeSeries(
  series: SampleSeries,
  { startMs, endMs }: AnalysisWindow,
): ComponentTrend {
  const inWindow = within(series, startMs);
  const samples = inWindow.times.length;
  const changes = transitions(inWindow);
  return {
    samples,
    availability_pct: share(inWindow, HealthStatus.HEALTHY),
    degraded_pct: share(inWindow, HealthStatus.DEGRADED),
    unhealthy_pct: share(inWindow, HealthStatus.UNHEALTHY),
    response_time_ms: summarize(inWindow.responseTimesMs),
    status_changes: changes.count,
    last_change_at: changes.lastAtMs === null ? null : round(changes.lastAtMs / 1000, 3),
    trend: trendDirection(inWindow, startMs, endMs),
  };
}

/** Response-time statistics, rounded to the microsecond; null without samples. */
export function summarize(values: ArrayLike<number>): ResponseTimeSummary | null {
  if (values.length === 0) return null;
  const sorted = ascending(values);
  const sum = sorted.reduce((total, value) => total + value, 0);
  return {
    avg: round(sum / sorted.length, 3),
    p50: round(percentile(sorted, 50), 3),
    p95: round(percentile(sorted, 95), 3),
    p99: round(percentile(sorted, 99), 3),
    max: round(sorted[sorted.length - 1], 3),
  };
}

function share(series: SampleSeries, status: HealthStatus): number | null {
  const total = series.statuses.length;
  if (total === 0) return null;
  const code = STATUS_CODES[status];
  let matching = 0;
  for (let i = 0; i < total; i++) if (series.statuses[i] === code) matching++;
  return round((100 * matching) / total, 2);
}

/** Consecutive samples whose statuses differ; the change is dated by the newer sample. */
function transitions(series: SampleSeries): { count: number; lastAtMs: number | null } {
  let count = 0;
  let lastAtMs: number | null = null;
  for (let i = 1; i < series.statuses.length; i++) {
    if (series.statuses[i] === series.statuses[i - 1]) continue;
    count++;
    lastAtMs = series.times[i];
  }
  return { count, lastAtMs };
}

function within(series: SampleSeries, startMs: number): SampleSeries {
  const { times, statuses, responseTimesMs } = series;
  const keep = (i: number) => times[i] > startMs;
  let kept = 0;
  for (let i = 0; i < times.length; i++) if (keep(i)) kept++;
  if (kept === times.length) return series;
  const indices = Array.from({ length: times.length }, (_, i) => i).filter(keep);
  return {
    times: indices.map((i) => times[i]),
    statuses: indices.map((i) => statuses[i]),
    responseTimesMs: indices.map((i) => responseTimesMs[i]),
  };
}
