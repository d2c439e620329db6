import { HealthStatus } from '../core/health-status';
import type { SampleSeries } from './sample-ring';
import { ascending, percentile } from './figures';
import { STATUS_CODES } from './status-codes';
import type { TrendDirection } from './trend.types';

/** A half with fewer samples says nothing: the trend is `stable`. */
export const MIN_HALF_SAMPLES = 4;
/** Availability moving by at least this many percentage points decides the trend. */
export const AVAILABILITY_STEP_PCT = 5;
/** Otherwise p95 moving by at least this share of the older half's p95 ... */
export const LATENCY_STEP_RATIO = 0.2;
/** ... and by at least this many milliseconds decides it. */
export const LATENCY_STEP_MIN_MS = 1;

const HEALTHY = STATUS_CODES[HealthStatus.HEALTHY];
/** So that a move of exactly one step counts despite floating-point error. */
const EPSILON = 1e-9;

interface Half {
  availabilityPct: number;
  p95Ms: number;
}

/**
 * Compares the older half of the window (`startMs` to `midMs`) with the newer one. Availability
 * dominates: latency is only looked at when availability held within the step.
 */
export function trendDirection(
  series: SampleSeries,
  startMs: number,
  endMs: number,
): TrendDirection {
  const midMs = startMs + (endMs - startMs) / 2;
  const older = half(series, (t) => t > startMs && t <= midMs);
  const newer = half(series, (t) => t > midMs);
  if (!older || !newer) return 'stable';
  const availability = newer.availabilityPct - older.availabilityPct;
  if (Math.abs(availability) + EPSILON >= AVAILABILITY_STEP_PCT) {
    return availability > 0 ? 'improving' : 'degrading';
  }
  const latency = newer.p95Ms - older.p95Ms;
  const step = Math.max(LATENCY_STEP_MIN_MS, LATENCY_STEP_RATIO * older.p95Ms);
  if (Math.abs(latency) + EPSILON >= step) return latency > 0 ? 'degrading' : 'improving';
  return 'stable';
}

function half(series: SampleSeries, inHalf: (timeMs: number) => boolean): Half | undefined {
  const latencies: number[] = [];
  let healthy = 0;
  for (let i = 0; i < series.times.length; i++) {
    if (!inHalf(series.times[i])) continue;
    latencies.push(series.responseTimesMs[i]);
    if (series.statuses[i] === HEALTHY) healthy++;
  }
  if (latencies.length < MIN_HALF_SAMPLES) return undefined;
  return {
    availabilityPct: (100 * healthy) / latencies.length,
    p95Ms: percentile(ascending(latencies), 95),
  };
}
