/** The periodic evaluation as the engine sees it (`HealthService.evaluationSchedule`). */
export interface EvaluationAge {
  /** `evaluationIntervalMs`: 0 when the engine evaluates nothing by itself. */
  readonly intervalMs: number;
  /** How long ago the last periodic evaluation finished; undefined before the first. */
  readonly ageMs: number | undefined;
  /** No periodic evaluation for two intervals and the longest check timeout. */
  readonly overdue: boolean;
}

/**
 * How old the periodic evaluation is at `nowMs`: since the last one finished (`lastAtMs`), or,
 * before the first, since the engine was made (`bootAtMs`), against two intervals and the longest
 * check timeout.
 */
export function evaluationAge(
  intervalMs: number,
  times: { nowMs: number; lastAtMs?: number; bootAtMs: number },
  longestTimeoutMs: number,
): EvaluationAge {
  const { nowMs, lastAtMs, bootAtMs } = times;
  const ageMs = lastAtMs === undefined ? undefined : nowMs - lastAtMs;
  const overdue =
    intervalMs > 0 && nowMs - (lastAtMs ?? bootAtMs) > 2 * intervalMs + longestTimeoutMs;
  return { intervalMs, ageMs, overdue };
}
