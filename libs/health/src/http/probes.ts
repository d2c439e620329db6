import type { CheckSelection } from '../core/selection';
import { HealthService } from '../core/health.service';
import type { ComponentStatus } from '../core/health-status';
import { HealthStatus } from '../core/health-status';
import { READINESS_TAG } from '../shared/names';

export { READINESS_TAG };

/** One check as readiness sees it: its last status, if any, and why it passes or not. */
interface Verdict {
  name: string;
  status?: ComponentStatus;
  passed: boolean;
  word: string;
}

/**
 * The readiness probe's answer, within `budgetMs` whatever the dependencies do: from the
 * evaluation when it finishes in time, else from the last known state while the evaluation goes
 * on in the background. 503 when a covered check is UNHEALTHY, last timed out, or has never
 * answered; and while the service drains.
 */
export async function readinessAnswer(
  health: HealthService,
  budgetMs: number,
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
  const report = await health.checkWithin(selection, budgetMs);
  const verdicts = report.components.map((status) => judge(health, status));
  const passed = verdicts.every((v) => v.passed);
  const verdict = passed ? 'readiness check passed' : 'readiness check failed';
  const stale = report.lastKnown
    ? ` (evaluation still running after ${budgetMs} ms: last known state)`
    : '';
  const schedule = verbose ? `${evaluationLine(health)}\n` : '';
  return {
    status: passed ? 200 : 503,
    body:
      verbose || !passed
        ? `${lines(health, verdicts, verbose)}${schedule}${verdict}${stale}\n`
        : 'ok\n',
  };
}

/**
 * The periodic evaluation's line of a verbose probe: how old the state that metrics, trends and
 * webhooks last saw is, and whether the evaluation is overdue (stopped in `SchedulerRegistry`,
 * say). Informative: it fails no probe.
 */
export function evaluationLine(health: HealthService): string {
  const { intervalMs, ageMs, overdue } = health.evaluationSchedule;
  const last = ageMs === undefined ? 'none yet' : `last ${seconds(ageMs)} ago`;
  if (intervalMs <= 0) {
    return `[+]evaluation ${ageMs === undefined ? 'off' : 'ok'} (driven by the app: ${last})`;
  }
  const every = `every ${seconds(intervalMs)}`;
  if (overdue) return `[+]evaluation overdue (${last}, expected ${every})`;
  return `[+]evaluation ${ageMs === undefined ? 'pending' : 'ok'} (${every}, ${last})`;
}

function seconds(ms: number): string {
  return `${Math.max(0, ms / 1000).toFixed(1)} s`;
}

function judge(health: HealthService, status: ComponentStatus): Verdict {
  // No result yet, or none fresh enough to stand for the check (`checkWithin`).
  if (status.metadata.unknown === true) {
    const word = status.metadata.last_status ? 'failed: no fresh answer' : 'failed: no answer yet';
    return { name: status.name, status, passed: false, word };
  }
  if (health.runOf(status)?.outcome === 'timeout') {
    return { name: status.name, status, passed: false, word: 'failed: timed out' };
  }
  if (status.status === HealthStatus.UNHEALTHY) {
    return { name: status.name, status, passed: false, word: 'failed' };
  }
  const word = status.status === HealthStatus.DEGRADED ? 'degraded' : 'ok';
  return { name: status.name, status, passed: true, word };
}

function lines(health: HealthService, verdicts: Verdict[], verbose: boolean): string {
  const now = health.clock.monotonicMs();
  return verdicts
    .map(({ name, status, passed, word }) => {
      const finishedAt = status && health.runOf(status)?.finishedAt;
      const age =
        verbose && finishedAt !== undefined ? ` (checked ${seconds(now - finishedAt)} ago)` : '';
      return `[${passed ? '+' : '-'}]${name} ${word}${age}\n`;
    })
    .join('');
}
