import { aggregateStatus } from './aggregate';
import type { Entry } from './check-registry';
import type { ComponentStatus, SystemHealthStatus } from './health-status';
import { HealthStatus } from './health-status';

/** How many evaluation intervals a result may be old (beyond its own timeout) before it is unknown. */
export const STALE_INTERVALS = 3;

/**
 * How long past its freshness a check's result may still stand for it: three evaluation intervals
 * and its timeout (with no periodic evaluation, three timeouts and one). Past that, nothing has
 * answered for it in time: a hang must never freeze a "healthy". A result is fresh until it is
 * done (a run) or, when the engine keeps it on purpose (`cacheTtlMs`), until its cache expires.
 */
export function staleAfterMs(entry: Entry, evaluationIntervalMs: number): number {
  const { timeoutMs } = entry.check;
  return STALE_INTERVALS * Math.max(evaluationIntervalMs, timeoutMs) + timeoutMs;
}

/**
 * What is known of a check now, without waiting: its last result (the same object, so its run's
 * facts stay known), or, when it has none yet or only one too old to stand for it, an UNHEALTHY
 * status that says so (as readiness fails a check that never answered).
 */
export function knownStatus(
  entry: Entry,
  nowMs: number,
  evaluationIntervalMs: number,
): ComponentStatus {
  const { name, mode } = entry.check;
  const last = entry.lastStatus;
  const shadow = mode === 'shadow' ? { shadow: true as const } : {};
  if (!last || entry.lastFinishedAt === undefined) {
    return {
      name,
      status: HealthStatus.UNHEALTHY,
      message: `${name}: no answer yet (its first check is still running)`,
      response_time_ms: 0,
      metadata: { unknown: true },
      ...shadow,
    };
  }
  const ageMs = nowMs - entry.lastFinishedAt;
  // A result reused from the cache is the check's answer until the cache expires.
  const freshUntil = Math.max(entry.lastFinishedAt, entry.cached?.expiresAt ?? 0);
  if (nowMs - freshUntil <= staleAfterMs(entry, evaluationIntervalMs)) return last;
  return {
    ...last,
    status: HealthStatus.UNHEALTHY,
    message: `${name}: no answer for ${Math.round(ageMs / 1000)} s (last ${last.status}: ${last.message})`,
    metadata: { ...last.metadata, unknown: true, last_status: last.status },
  };
}

/** A report of these checks' statuses: the overall status counts every active check. */
export function reportOf(
  entries: readonly Entry[],
  components: ComponentStatus[],
  epochSeconds: number,
): SystemHealthStatus {
  return {
    // Shadow checks are shown, never counted.
    overall_status: aggregateStatus(
      components
        .map((c, i) => ({
          status: c.status,
          critical: entries[i].check.critical,
          shadow: c.shadow,
        }))
        .filter((c) => !c.shadow),
    ),
    components,
    timestamp: epochSeconds,
  };
}

/** Whether two lists hold the very same status objects (every result unchanged from cache). */
export function sameStatuses(
  a: readonly ComponentStatus[],
  b: readonly ComponentStatus[],
): boolean {
  return a.length === b.length && a.every((status, i) => status === b[i]);
}
