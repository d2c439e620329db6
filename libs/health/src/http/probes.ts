import type { CheckSelection } from '../core/health.service';
import { HealthService } from '../core/health.service';
import type { SystemHealthStatus } from '../core/health-status';
import { HealthStatus } from '../core/health-status';

/** Checks tagged with this run for readiness; when none is, the critical checks do. */
export const READINESS_TAG = 'ready';

/** The readiness probe's answer: 503 when a covered check is unhealthy or while draining. */
export async function readinessAnswer(
  health: HealthService,
  verbose: boolean,
  exclude: string[],
): Promise<{ status: number; body: string }> {
  if (health.isDraining) {
    return {
      status: 503,
      body: '[-]shutdown failed: draining\nreadiness check failed: the service is draining\n',
    };
  }
  const selection: CheckSelection = health.hasTag(READINESS_TAG)
    ? { tags: [READINESS_TAG], exclude }
    : { criticalOnly: true, exclude };
  const report = await health.check(selection);
  const passed = report.components.every((c) => c.status !== HealthStatus.UNHEALTHY);
  const verdict = passed ? 'readiness check passed' : 'readiness check failed';
  return {
    status: passed ? 200 : 503,
    body: verbose || !passed ? `${lines(report)}${verdict}\n` : 'ok\n',
  };
}

function lines(report: SystemHealthStatus): string {
  return report.components
    .map((c) => {
      if (c.status === HealthStatus.UNHEALTHY) return `[-]${c.name} failed\n`;
      return `[+]${c.name} ${c.status === HealthStatus.DEGRADED ? 'degraded' : 'ok'}\n`;
    })
    .join('');
}
