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
}

export interface FullReportBody {
  overall_status: HealthStatus;
  timestamp: number;
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

/** The full report, `GET /v1/health/components`. */
export function toFullReport(report: SystemHealthStatus, details: boolean): FullReportBody {
  return {
    overall_status: report.overall_status,
    timestamp: report.timestamp,
    components: report.components.map((c) => toComponentBody(c, details)),
  };
}

/** 200 while the service can serve (healthy or degraded), 503 when it is unhealthy. */
export function httpStatusOf(status: HealthStatus): 200 | 503 {
  return status === HealthStatus.UNHEALTHY ? 503 : 200;
}
