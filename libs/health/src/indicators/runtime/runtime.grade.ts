import type { HealthMetadata } from '../../core/health-status';
import { HealthStatus } from '../../core/health-status';
import { bytesText } from '../../shared/indicator-options';
import type { ResolvedRuntimeOptions } from './runtime.options';

/** One reading of the process, in the units the metadata shows. */
export interface RuntimeReadings {
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
  heapUsedBytes: number;
  heapLimitBytes: number;
  heapUsedRatio: number;
  rssBytes: number;
}

interface Finding {
  status: HealthStatus;
  text: string;
}

const SEVERITY = [HealthStatus.HEALTHY, HealthStatus.DEGRADED, HealthStatus.UNHEALTHY];

/**
 * The worst of event loop delay, heap use and (when its thresholds are set) RSS; the message
 * names what crossed its threshold.
 */
export function gradeRuntime(
  readings: RuntimeReadings,
  options: ResolvedRuntimeOptions,
): { status: HealthStatus; message: string } {
  const p99 = readings.eventLoopDelayP99Ms;
  const ratio = readings.heapUsedRatio;
  const delay = crossed(p99, options.eventLoopDelayDegradedMs, options.eventLoopDelayUnhealthyMs);
  const heap = crossed(ratio, options.heapUsedDegradedRatio, options.heapUsedUnhealthyRatio);
  const findings: Finding[] = [
    {
      status: delay.status,
      text: `Event loop delay p99 ${ms(p99)} ms exceeds ${ms(delay.limit)} ms`,
    },
    {
      status: heap.status,
      text: `Heap use ${percent(ratio)}% of limit exceeds ${percent(heap.limit)}%`,
    },
    rssFinding(readings.rssBytes, options),
  ];
  const worst = findings.reduce((a, b) => (rank(b.status) > rank(a.status) ? b : a)).status;
  if (worst === HealthStatus.HEALTHY) {
    return {
      status: worst,
      message: `Event loop delay p99 ${ms(p99)} ms, heap use ${percent(ratio)}% of limit`,
    };
  }
  const message = findings
    .filter((f) => f.status === worst)
    .map((f) => f.text)
    .join('; ');
  return { status: worst, message };
}

/** RSS against its thresholds; a threshold of 0 is off. */
function rssFinding(rss: number, options: ResolvedRuntimeOptions): Finding {
  const { rssDegradedBytes: degraded, rssUnhealthyBytes: unhealthy } = options;
  if (unhealthy > 0 && rss > unhealthy) {
    return {
      status: HealthStatus.UNHEALTHY,
      text: `RSS ${bytesText(rss)} exceeds ${bytesText(unhealthy)}`,
    };
  }
  if (degraded > 0 && rss > degraded) {
    return {
      status: HealthStatus.DEGRADED,
      text: `RSS ${bytesText(rss)} exceeds ${bytesText(degraded)}`,
    };
  }
  return { status: HealthStatus.HEALTHY, text: '' };
}

export function runtimeMetadata(
  readings: RuntimeReadings,
  options: ResolvedRuntimeOptions,
): HealthMetadata {
  return {
    event_loop_delay_p99_ms: round(readings.eventLoopDelayP99Ms, 3),
    event_loop_delay_max_ms: round(readings.eventLoopDelayMaxMs, 3),
    heap_used_bytes: readings.heapUsedBytes,
    heap_limit_bytes: readings.heapLimitBytes,
    heap_used_ratio: round(readings.heapUsedRatio, 6),
    rss_bytes: readings.rssBytes,
    event_loop_delay_degraded_ms: options.eventLoopDelayDegradedMs,
    event_loop_delay_unhealthy_ms: options.eventLoopDelayUnhealthyMs,
    heap_used_degraded_ratio: options.heapUsedDegradedRatio,
    heap_used_unhealthy_ratio: options.heapUsedUnhealthyRatio,
    rss_degraded_bytes: options.rssDegradedBytes,
    rss_unhealthy_bytes: options.rssUnhealthyBytes,
  };
}

/** Values strictly above a threshold cross it. */
function crossed(value: number, degraded: number, unhealthy: number) {
  if (value > unhealthy) return { status: HealthStatus.UNHEALTHY, limit: unhealthy };
  if (value > degraded) return { status: HealthStatus.DEGRADED, limit: degraded };
  return { status: HealthStatus.HEALTHY, limit: degraded };
}

function rank(status: HealthStatus): number {
  return SEVERITY.indexOf(status);
}

function ms(value: number): number {
  return round(value, 1);
}

function percent(ratio: number): number {
  return Number((ratio * 100).toPrecision(3));
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
