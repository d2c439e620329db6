import type { ComponentStatus, SystemHealthStatus } from '../core/health-status';
import { HealthStatus } from '../core/health-status';
import type {
  TerminusHealthBody,
  TerminusHealthStatus,
  TerminusIndicatorDetail,
  TerminusIndicatorStatus,
} from './terminus.types';

export interface TerminusBodyOptions {
  /** Whether the caller may see messages and metadata; without, each entry is `{ status }`. */
  details: boolean;
  /** The service is shutting down: `shutting_down`, whatever the checks say (as Terminus does). */
  shuttingDown?: boolean;
}

const VERDICT: Record<HealthStatus, TerminusIndicatorStatus> = {
  [HealthStatus.HEALTHY]: 'up',
  [HealthStatus.DEGRADED]: 'degraded',
  [HealthStatus.UNHEALTHY]: 'down',
};

const OVERALL: Record<HealthStatus, TerminusHealthStatus> = {
  [HealthStatus.HEALTHY]: 'ok',
  [HealthStatus.DEGRADED]: 'degraded',
  [HealthStatus.UNHEALTHY]: 'error',
};

/**
 * A report in Terminus's format, `{ status, info, error, details }`, as Terminus 12 writes it:
 * HEALTHY is `up` and DEGRADED `degraded` (both under `info`), UNHEALTHY `down` (under `error`);
 * the overall status is `ok`, `degraded`, `error`, or `shutting_down`. Each entry is the
 * component's metadata with its `status`, and its `message` when it is not up, the metadata has
 * none, and it says more than the status. Shadow checks are left out: they never count.
 */
export function toTerminusBody(
  report: SystemHealthStatus,
  options: TerminusBodyOptions,
): TerminusHealthBody {
  const info: Record<string, TerminusIndicatorDetail> = {};
  const error: Record<string, TerminusIndicatorDetail> = {};
  for (const component of report.components) {
    if (component.shadow) continue;
    const detail = toDetail(component, options.details);
    if (detail.status === 'down') error[component.name] = detail;
    else info[component.name] = detail;
  }
  return {
    status: options.shuttingDown ? 'shutting_down' : OVERALL[report.overall_status],
    info,
    error,
    details: { ...info, ...error },
  };
}

/** Terminus's status codes: 200 for `ok` and `degraded`, 503 for `error` and `shutting_down`. */
export function terminusStatusCode(status: TerminusHealthStatus): 200 | 503 {
  return status === 'ok' || status === 'degraded' ? 200 : 503;
}

function toDetail(component: ComponentStatus, details: boolean): TerminusIndicatorDetail {
  const status = VERDICT[component.status];
  if (!details) return { status };
  const { name, metadata, message } = component;
  const explain =
    status !== 'up' && !('message' in metadata) && !restatesStatus(name, status, message);
  return { ...metadata, ...(explain ? { message } : {}), status };
}

/**
 * "docs is down", "docs is unhealthy": a message that only repeats the status (the default one
 * when a check gave none) says nothing Terminus would have said.
 */
function restatesStatus(name: string, verdict: TerminusIndicatorStatus, message: string): boolean {
  const said = message.trim();
  return (
    said === '' || [verdict, ...Object.keys(VERDICT)].some((word) => said === `${name} is ${word}`)
  );
}
