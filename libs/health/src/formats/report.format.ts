import type { ComponentStatus, HealthMetadata, SystemHealthStatus } from '../core/health-status';
import { HealthStatus } from '../core/health-status';

/** One component as the full report shows it; without details, no message and no metadata. */
export interface ComponentBody {
  name: string;
  status: HealthStatus;
  message?: string;
  response_time_ms: number;
  metadata?: HealthMetadata;
  /** A shadow check: shown, never counted toward the overall status. */
  shadow?: true;
  /**
   * In an answer that did not wait for every check (`lastKnown`): how old this result is, in ms
   * (0 for one of the evaluation that finished in time).
   */
  age_ms?: number;
}

export interface FullReportBody {
  overall_status: HealthStatus;
  timestamp: number;
  /** Present (true) when the answer did not wait for every check: see `age_ms`. */
  last_known?: true;
  components: ComponentBody[];
}

export function toComponentBody(component: ComponentStatus, details: boolean): ComponentBody {
  const { name, status, message, response_time_ms, metadata, shadow } = component;
  const body: ComponentBody = details
    ? { name, status, message, response_time_ms, metadata }
    : { name, status, response_time_ms };
  if (shadow) body.shadow = true;
  return body;
}

/**
 * The full report, `GET /v1/health/components`. When the answer did not wait for every check
 * (`lastKnown`), it says so and gives each component's age, from `checkedAtMs`.
 */
export function toFullReport(
  report: SystemHealthStatus,
  details: boolean,
  checkedAtMs?: (component: ComponentStatus) => number | undefined,
): FullReportBody {
  const components = report.components.map((c) => toComponentBody(c, details));
  if (!report.lastKnown) {
    return { overall_status: report.overall_status, timestamp: report.timestamp, components };
  }
  const answeredMs = report.timestamp * 1000;
  report.components.forEach((component, i) => {
    const at = checkedAtMs?.(component);
    if (at !== undefined) components[i].age_ms = Math.max(0, Math.round(answeredMs - at));
  });
  return {
    overall_status: report.overall_status,
    timestamp: report.timestamp,
    last_known: true,
    components,
  };
}

/** 200 while the service can serve (healthy or degraded), 503 when it is unhealthy. */
export function httpStatusOf(status: HealthStatus): 200 | 503 {
  return status === HealthStatus.UNHEALTHY ? 503 : 200;
}
