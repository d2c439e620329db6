import { kindOf } from '../shared/error-text';
import { HealthConfigurationError } from '../shared/errors';
import type { HealthCheckDefinition, HealthCheckOptions } from '../core/health-check';
import type { HealthMetadata, IndicatorResult } from '../core/health-status';
import { HealthStatus, isHealthStatus } from '../core/health-status';
import type {
  TerminusIndicator,
  TerminusIndicatorResult,
  TerminusIndicatorStatus,
} from './terminus.types';

export interface TerminusCheckOptions extends HealthCheckOptions {
  /**
   * The status a `down` result (or a thrown Terminus `HealthCheckError`) gets: DEGRADED or
   * UNHEALTHY. Default UNHEALTHY.
   */
  downStatus?: HealthStatus;
}

/** Thrown (so reported as a failed check) when an indicator gives something Terminus never would. */
export class TerminusResultError extends Error {
  override readonly name = 'TerminusResultError';
}

const VERDICTS: readonly TerminusIndicatorStatus[] = ['up', 'degraded', 'down'];

const EXAMPLE = "a function such as () => memory.checkHeap('heap', limit)";

/**
 * A check made of a Terminus indicator call, for `checks` in the module options or
 * `HealthService.register()`:
 *
 * ```ts
 * terminusCheck('heap', () => memory.checkHeap('heap', 300 * 1024 * 1024))
 * terminusCheck('docs', () => http.pingCheck('docs', 'https://docs.nestjs.com'), { timeoutMs: 2000 })
 * ```
 *
 * `up` is HEALTHY, `degraded` DEGRADED, `down` (returned, or thrown as a Terminus 11
 * `HealthCheckError`) is `downStatus`, with the indicator's details as metadata and its `message`
 * as the message. Any other throw is a failed run: retried, then UNHEALTHY. The engine's timeout,
 * retries, single-flight, cache and every consumer apply as to any check.
 */
export function terminusCheck(
  name: string,
  indicator: TerminusIndicator,
  options: TerminusCheckOptions = {},
): HealthCheckDefinition {
  const where = `terminusCheck(${JSON.stringify(name)})`;
  if (options === null || typeof options !== 'object') {
    throw new HealthConfigurationError(`${where} options`, options, 'an object');
  }
  const { downStatus = HealthStatus.UNHEALTHY, ...checkOptions } = options;
  if (!isHealthStatus(downStatus) || downStatus === HealthStatus.HEALTHY) {
    throw new HealthConfigurationError(`${where}.downStatus`, downStatus, 'degraded or unhealthy');
  }
  const call = caller(indicator, where);
  return {
    ...checkOptions,
    name,
    async check(): Promise<IndicatorResult> {
      let value: unknown;
      try {
        value = await call();
      } catch (error) {
        if (!isHealthCheckError(error)) throw error;
        return fromHealthCheckError(error, downStatus);
      }
      return fromTerminusResult(value, downStatus);
    },
  };
}

/** How to call the indicator once per run; refuses what cannot be called again. */
function caller(indicator: unknown, where: string): () => unknown {
  if (typeof indicator === 'function') return () => (indicator as () => unknown)();
  if (indicator instanceof Promise) {
    throw new HealthConfigurationError(
      where,
      'a Promise',
      `${EXAMPLE}: a Promise has settled once and would answer the same forever`,
    );
  }
  if (isThenable(indicator)) return () => indicator;
  throw new HealthConfigurationError(where, indicator, `${EXAMPLE}, or a HealthCheckAttempt`);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** Terminus 11's `HealthCheckError` (and subclasses): `isHealthCheckError` and `causes`. */
interface HealthCheckErrorLike {
  isHealthCheckError: true;
  message?: unknown;
  causes?: unknown;
}

function isHealthCheckError(error: unknown): error is HealthCheckErrorLike {
  return (
    error !== null &&
    typeof error === 'object' &&
    (error as { isHealthCheckError?: unknown }).isHealthCheckError === true
  );
}

function fromHealthCheckError(error: HealthCheckErrorLike, downStatus: HealthStatus) {
  const fallback = typeof error.message === 'string' ? error.message : undefined;
  const causes = validResult(error.causes);
  if (typeof causes === 'string') return { status: downStatus, message: fallback };
  // Terminus counts a HealthCheckError as an error whatever its causes say.
  const { metadata, message } = describe(causes);
  return { status: downStatus, message: message ?? fallback, metadata };
}

/** A Terminus result as an indicator result; throws `TerminusResultError` for anything else. */
export function fromTerminusResult(value: unknown, downStatus: HealthStatus): IndicatorResult {
  const result = validResult(value);
  if (typeof result === 'string') {
    throw new TerminusResultError(`returned an invalid Terminus result: ${result}`);
  }
  const verdicts = Object.values(result).map((detail) => detail.status);
  const status = verdicts.includes('down')
    ? downStatus
    : verdicts.includes('degraded')
      ? HealthStatus.DEGRADED
      : HealthStatus.HEALTHY;
  const { metadata, message } = describe(result);
  return message === undefined ? { status, metadata } : { status, message, metadata };
}

/**
 * One key: its details (without `status`) are the metadata, its `message` the message. Several
 * keys (a custom indicator may return more): the whole result is the metadata, and the message
 * names the keys that are not up.
 */
function describe(result: TerminusIndicatorResult): { metadata: HealthMetadata; message?: string } {
  const entries = Object.entries(result);
  if (entries.length === 1) {
    const [[key, detail]] = entries;
    const { status, ...rest } = detail;
    const message = typeof rest.message === 'string' ? rest.message : `${key} is ${status}`;
    return { metadata: rest, message };
  }
  const notUp = entries
    .filter(([, detail]) => detail.status !== 'up')
    .map(([key, detail]) =>
      typeof detail.message === 'string'
        ? `${key}: ${detail.message}`
        : `${key} is ${detail.status}`,
    );
  return { metadata: { ...result }, message: notUp.length ? notUp.join('; ') : undefined };
}

/** The result if it has Terminus's shape, else what is wrong with it. */
function validResult(value: unknown): TerminusIndicatorResult | string {
  if (!isPlainObject(value)) {
    return `expected { <key>: { status: "up" | "degraded" | "down" } }, got ${kindOf(value)}`;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return 'no key in it';
  for (const [key, detail] of entries) {
    const status = isPlainObject(detail) ? detail.status : undefined;
    if (!(VERDICTS as readonly unknown[]).includes(status)) {
      return `${JSON.stringify(key)} has status ${kindOf(status)} (expected up, degraded or down)`;
    }
  }
  return value as TerminusIndicatorResult;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
