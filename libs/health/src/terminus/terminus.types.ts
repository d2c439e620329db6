/**
 * Terminus's shapes, described here rather than imported: this entry never loads
 * `@nestjs/terminus` (the Terminus-format route keeps working once Terminus is uninstalled), and
 * a result from Terminus 11 or 12 fits them as it is.
 */

/** A Terminus indicator's verdict (`degraded` since Terminus 12). */
export type TerminusIndicatorStatus = 'up' | 'degraded' | 'down';

/** One key of a Terminus result: its status and whatever the indicator added. */
export type TerminusIndicatorDetail = { status: TerminusIndicatorStatus } & Record<string, unknown>;

/** What a Terminus indicator returns: `{ heap: { status: 'up' } }`. */
export type TerminusIndicatorResult = Record<string, TerminusIndicatorDetail>;

/**
 * A Terminus indicator call: a function such as `() => memory.checkHeap('heap', limit)`, or a
 * Terminus 12 `HealthCheckAttempt` (awaitable again and again). Never an already-started Promise:
 * it would give the same answer forever.
 */
export type TerminusIndicator =
  (() => PromiseLike<unknown> | TerminusIndicatorResult) | PromiseLike<TerminusIndicatorResult>;

/** Terminus's overall status (`degraded` since Terminus 12). */
export type TerminusHealthStatus = 'ok' | 'degraded' | 'error' | 'shutting_down';

/** The body Terminus's `HealthCheckService` answers with. */
export interface TerminusHealthBody {
  status: TerminusHealthStatus;
  /** Every indicator that is `up` or `degraded`. */
  info: Record<string, TerminusIndicatorDetail>;
  /** Every indicator that is `down`. */
  error: Record<string, TerminusIndicatorDetail>;
  /** All of them: `info`, then `error`. */
  details: Record<string, TerminusIndicatorDetail>;
}
