import type { HealthClock } from './clock';
import type { CheckMode, HealthIndicator } from './health-check';
import type { ComponentStatus, HealthMetadata, IndicatorResult } from './health-status';
import { HealthStatus, isHealthStatus } from './health-status';
import type { WakeReason } from './deadlines';
import type { Redactor } from '../shared/redact';
import { errorText, kindOf } from '../shared/error-text';

/** A registered check with every option resolved. */
export interface ResolvedCheck {
  readonly name: string;
  readonly indicator: HealthIndicator;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly retryBaseDelayMs: number;
  readonly critical: boolean;
  readonly tags: readonly string[];
  readonly cacheTtlMs: number;
  readonly failureCacheTtlMs: number;
  readonly abortable: boolean;
  readonly timeoutStatus: HealthStatus;
  readonly degradedAboveMs: number;
  readonly failuresBeforeUnhealthy: number;
  readonly successesBeforeHealthy: number;
  readonly enabled: boolean;
  readonly mode: CheckMode;
  /** The indicator's thresholds as merged from every layer (applied to it on change). */
  readonly thresholds: Readonly<Record<string, number>>;
}

export interface RunContext {
  readonly clock: HealthClock;
  readonly redactor: Redactor;
  /** Aborted when the engine shuts down: every wait ends and every timer is cleared. */
  readonly shutdown: AbortSignal;
  /**
   * Calls `callback` at monotonic time `at`, or at shutdown, whichever comes first; returns how
   * to cancel that. Timers are shared, and no wait listens on `shutdown` itself (an EventTarget
   * walks its whole listener list on every add and remove).
   */
  readonly atDeadline: (at: number, callback: (reason: WakeReason) => void) => () => void;
}

/** How a run ended: what metrics count (`health_check_runs_total`, timeouts). */
export type RunOutcome = 'ok' | 'error' | 'timeout' | 'invalid' | 'cancelled';

/** One finished run of one check. */
export interface CheckRun {
  status: ComponentStatus;
  outcome: RunOutcome;
}

type Outcome =
  | { kind: 'ok'; value: unknown }
  | { kind: 'error'; error: unknown }
  | { kind: 'timeout' }
  | { kind: 'shutdown' };

const MAX_MESSAGE_LENGTH = 300;

/**
 * Runs one check to a `ComponentStatus`, whatever the check does: the timeout bounds the
 * whole run, retries included; a timed-out attempt is not retried; no retry starts past the
 * deadline; the signal given to the check is aborted on timeout. Never throws.
 */
export async function runCheck(check: ResolvedCheck, ctx: RunContext): Promise<CheckRun> {
  const started = ctx.clock.monotonicMs();
  const deadline = started + check.timeoutMs;
  const controller = check.abortable ? new AbortController() : undefined;
  const signal = controller?.signal ?? NEVER_ABORTED;
  const base = baseMetadata(check.indicator, ctx.redactor);
  const finish: Finish = (outcome, status, message, metadata = {}) => ({
    outcome,
    status: {
      name: check.name,
      status,
      message: truncate(ctx.redactor.text(message)),
      response_time_ms: Math.max(0, round3(ctx.clock.monotonicMs() - started)),
      metadata: base ? { ...base, ...metadata } : metadata,
    },
  });

  let delay = check.retryBaseDelayMs;
  for (let attempt = 1; ; attempt++) {
    const started = ctx.shutdown.aborted ? SHUTDOWN : start(check.indicator, signal);
    const outcome =
      started instanceof Promise ? await settleWithin(started, deadline, ctx) : started;
    if (outcome.kind === 'timeout') {
      const message = `${check.name} timed out after ${check.timeoutMs} ms`;
      controller?.abort(new DOMException(message, 'TimeoutError'));
      return finish('timeout', check.timeoutStatus, message);
    }
    if (outcome.kind === 'shutdown') {
      controller?.abort(new DOMException('health service shutting down', 'AbortError'));
      return finish(
        'cancelled',
        HealthStatus.DEGRADED,
        `${check.name} check cancelled: shutting down`,
      );
    }
    if (outcome.kind === 'ok') return interpret(check.name, outcome.value, ctx.redactor, finish);

    const canRetry =
      attempt <= check.retries &&
      ctx.clock.monotonicMs() + delay < deadline &&
      !ctx.shutdown.aborted;
    if (!canRetry) {
      return finish(
        'error',
        HealthStatus.UNHEALTHY,
        `${check.name} check failed: ${errorText(outcome.error)}`,
        {
          attempts: attempt,
        },
      );
    }
    await sleep(ctx.clock.monotonicMs() + delay, ctx);
    delay *= 2;
  }
}

const SHUTDOWN: Outcome = { kind: 'shutdown' };

/** Given to checks that are not `abortable`: a shared signal that never aborts. */
const NEVER_ABORTED = new AbortController().signal;

/**
 * Starts one attempt. A check that answers synchronously is done: no timer, no race. Anything
 * thenable is raced against the deadline.
 */
function start(indicator: HealthIndicator, signal: AbortSignal): Outcome | Promise<unknown> {
  try {
    const value: unknown = indicator.check(signal);
    return isThenable(value) ? Promise.resolve(value) : { kind: 'ok', value };
  } catch (error) {
    return { kind: 'error', error };
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

type Finish = (
  outcome: RunOutcome,
  status: HealthStatus,
  message: string,
  metadata?: HealthMetadata,
) => CheckRun;

function interpret(name: string, value: unknown, redactor: Redactor, finish: Finish): CheckRun {
  const invalid = (reason: string) =>
    finish(
      'invalid',
      HealthStatus.UNHEALTHY,
      `${name} check returned an invalid result: ${reason}`,
    );
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return invalid(`expected an object with a status, got ${kindOf(value)}`);
  }
  const { status, message, metadata } = value as Partial<IndicatorResult>;
  if (!isHealthStatus(status)) {
    return invalid(`status ${kindOf(status)} is not healthy, degraded or unhealthy`);
  }
  if (message !== undefined && typeof message !== 'string') {
    return invalid(`message must be a string, got ${kindOf(message)}`);
  }
  if (
    metadata !== undefined &&
    (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata))
  ) {
    return invalid(`metadata must be an object, got ${kindOf(metadata)}`);
  }
  let safeMetadata: HealthMetadata = {};
  try {
    if (metadata && Object.keys(metadata).length > 0) safeMetadata = redactor.data(metadata);
  } catch {
    return invalid('metadata is not JSON-serializable');
  }
  return finish('ok', status, message?.trim() ? message : `${name} is ${status}`, safeMetadata);
}

/** The indicator's `baseMetadata`, masked; nothing when absent, malformed or throwing. */
function baseMetadata(indicator: HealthIndicator, redactor: Redactor): HealthMetadata | undefined {
  try {
    const base: unknown = indicator.baseMetadata;
    if (base === null || typeof base !== 'object' || Array.isArray(base)) return undefined;
    return redactor.data(base as HealthMetadata);
  } catch {
    return undefined;
  }
}

function settleWithin(work: Promise<unknown>, deadline: number, ctx: RunContext): Promise<Outcome> {
  return new Promise<Outcome>((resolve) => {
    const done = (outcome: Outcome) => {
      cancel();
      resolve(outcome);
    };
    const cancel = ctx.atDeadline(deadline, (reason) =>
      done(reason === 'deadline' ? { kind: 'timeout' } : { kind: 'shutdown' }),
    );
    work.then(
      (value) => done({ kind: 'ok', value }),
      (error: unknown) => done({ kind: 'error', error }),
    );
  });
}

function sleep(until: number, ctx: RunContext): Promise<void> {
  return new Promise<void>((resolve) => {
    ctx.atDeadline(until, () => resolve());
  });
}

function truncate(text: string): string {
  return text.length > MAX_MESSAGE_LENGTH ? `${text.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : text;
}

function round3(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
