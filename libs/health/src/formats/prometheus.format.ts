import type { SystemHealthStatus } from '../core/health-status';
import { HEALTH_STATUSES } from '../core/health-status';
import { HEALTH_METRIC_NAMES } from './metric-names';

const { componentStatus, overallStatus } = HEALTH_METRIC_NAMES;

/**
 * One report in the Prometheus text format, for users who push health elsewhere (a
 * Pushgateway, a file for node_exporter's textfile collector). StateSet style: one series per
 * state, 1 for the current one. Component names are the only label values.
 */
export function toPrometheusText(report: SystemHealthStatus): string {
  const lines = [
    `# HELP ${componentStatus} Current state of each health component (1 = current).`,
    `# TYPE ${componentStatus} gauge`,
  ];
  for (const c of report.components) {
    for (const state of HEALTH_STATUSES) {
      const value = c.status === state ? 1 : 0;
      lines.push(`${componentStatus}{component="${label(c.name)}",state="${state}"} ${value}`);
    }
  }
  lines.push(
    `# HELP ${overallStatus} Current state of the system (1 = current).`,
    `# TYPE ${overallStatus} gauge`,
  );
  for (const state of HEALTH_STATUSES) {
    const value = report.overall_status === state ? 1 : 0;
    lines.push(`${overallStatus}{state="${state}"} ${value}`);
  }
  lines.push(
    '# HELP health_component_response_time_seconds Duration of the last check of each component.',
    '# TYPE health_component_response_time_seconds gauge',
  );
  for (const c of report.components) {
    lines.push(
      `health_component_response_time_seconds{component="${label(c.name)}"} ${c.response_time_ms / 1000}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function label(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
