import type { ComponentStatus, SystemHealthStatus } from '../core/health-status';
import { HealthStatus } from '../core/health-status';

/** The media type of the IETF draft "Health Check Response Format for HTTP APIs". */
export const HEALTH_JSON = 'application/health+json';

export type HealthJsonStatus = 'pass' | 'warn' | 'fail';

export interface HealthJsonCheck {
  componentId: string;
  componentType: string;
  observedValue: number;
  observedUnit: 'ms';
  status: HealthJsonStatus;
  time: string;
  output?: string;
}

export interface HealthJsonBody {
  status: HealthJsonStatus;
  version: string;
  output?: string;
  checks: Record<string, HealthJsonCheck[]>;
}

const STATUS: Record<HealthStatus, HealthJsonStatus> = {
  [HealthStatus.HEALTHY]: 'pass',
  [HealthStatus.DEGRADED]: 'warn',
  [HealthStatus.UNHEALTHY]: 'fail',
};

const COMPONENT_TYPES: Readonly<Record<string, string>> = {
  cache: 'datastore',
  database: 'datastore',
  runtime: 'system',
};

export interface HealthJsonOptions {
  version: string;
  /** Show `output` (the component messages); false follows the details-visibility rule. */
  details: boolean;
  /** When each component's result was produced (epoch ms), for its `time`; else the report's. */
  checkedAtMs?: (component: ComponentStatus) => number | undefined;
}

/**
 * The report in the IETF draft format: `status` pass/warn/fail, `checks` keyed
 * `"<component>:responseTime"`, each observed in ms; `output` where a check does not pass.
 */
export function toHealthJson(
  report: SystemHealthStatus,
  options: HealthJsonOptions,
): HealthJsonBody {
  const time = new Date(report.timestamp * 1000).toISOString();
  const failing = report.components.filter((c) => c.status !== HealthStatus.HEALTHY);
  const output =
    options.details && failing.length ? failing.map((c) => c.message).join('; ') : undefined;
  return {
    status: STATUS[report.overall_status],
    version: options.version,
    ...(output ? { output } : {}),
    checks: Object.fromEntries(
      report.components.map((c) => {
        const at = options.checkedAtMs?.(c);
        const checked = at === undefined ? time : new Date(at).toISOString();
        return [`${c.name}:responseTime`, [toCheck(c, checked, options.details)]];
      }),
    ),
  };
}

function toCheck(component: ComponentStatus, time: string, details: boolean): HealthJsonCheck {
  const passing = component.status === HealthStatus.HEALTHY;
  return {
    componentId: component.name,
    componentType: COMPONENT_TYPES[component.name] ?? 'component',
    observedValue: component.response_time_ms,
    observedUnit: 'ms',
    status: STATUS[component.status],
    time,
    ...(details && !passing ? { output: component.message } : {}),
  };
}
