import type { CheckRun, ResolvedCheck } from './check-runner';
import type { ComponentStatus } from './health-status';
import { HealthStatus } from './health-status';

/** What a check's thresholds remember between runs. */
export interface PolicyState {
  /** The status last reported (after thresholds); unset before the first run. */
  reported?: HealthStatus;
  /** Consecutive failing runs while the reported status is not UNHEALTHY. */
  failures: number;
  /** Consecutive HEALTHY runs while the reported status is not HEALTHY. */
  successes: number;
}

/**
 * A run's status after the check's thresholds: `degradedAboveMs` (a slow HEALTHY answer is
 * DEGRADED), then hysteresis (`failuresBeforeUnhealthy` failing runs in a row, a timeout
 * counting as one, before UNHEALTHY or the timeout's status is reported; `successesBeforeHealthy`
 * HEALTHY runs in a row before HEALTHY again), then the shadow mark. The first run is reported as
 * it is. `held`: the previous status is kept for now. Returns the run's own status object when no
 * threshold applies.
 */
export function applyPolicy(
  check: ResolvedCheck,
  run: CheckRun,
  state: PolicyState,
): { status: ComponentStatus; held: boolean } {
  let status = slow(check, run.status);
  let held = false;
  const previous = state.reported;
  const failing = run.outcome === 'timeout' || status.status === HealthStatus.UNHEALTHY;
  if (previous === undefined || previous === status.status) {
    state.failures = 0;
    state.successes = 0;
  } else if (failing && check.failuresBeforeUnhealthy > 1) {
    state.successes = 0;
    state.failures++;
    held = state.failures < check.failuresBeforeUnhealthy;
    if (held)
      status = hold(
        status,
        previous,
        `failure ${state.failures} of ${check.failuresBeforeUnhealthy}`,
      );
    else state.failures = 0;
  } else if (status.status === HealthStatus.HEALTHY && check.successesBeforeHealthy > 1) {
    state.failures = 0;
    state.successes++;
    held = state.successes < check.successesBeforeHealthy;
    if (held)
      status = hold(
        status,
        previous,
        `success ${state.successes} of ${check.successesBeforeHealthy}`,
      );
    else state.successes = 0;
  } else {
    state.failures = 0;
    state.successes = 0;
  }
  state.reported = status.status;
  if (check.mode === 'shadow') status = { ...status, shadow: true };
  return { status, held };
}

function slow(check: ResolvedCheck, status: ComponentStatus): ComponentStatus {
  const limit = check.degradedAboveMs;
  if (limit <= 0 || status.status !== HealthStatus.HEALTHY || status.response_time_ms <= limit) {
    return status;
  }
  return {
    ...status,
    status: HealthStatus.DEGRADED,
    message: `${check.name} answered in ${status.response_time_ms} ms, above degradedAboveMs (${limit} ms)`,
  };
}

/** The previous status kept, saying what the run said and how far the count is. */
function hold(status: ComponentStatus, previous: HealthStatus, count: string): ComponentStatus {
  return {
    ...status,
    status: previous,
    message: `${status.message} (${status.status}, ${count} before the status changes)`,
  };
}
