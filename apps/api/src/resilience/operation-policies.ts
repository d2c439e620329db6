import type { CircuitBreakerRegistry } from '@nest-health/core/resilience';
import type { RetryPolicy } from 'cockatiel';
import { ConsecutiveBreaker, DelegateBackoff, handleWhen, retry } from 'cockatiel';
import { AiProviderError } from '../ai/gemini.client';
import type { Operation } from '../text-processing/process-request';
import { OPERATIONS } from '../text-processing/process-request';
import type { ResilienceFigures } from './resilience-presets';
import { BREAKER_NAMES } from './resilience-presets';
import type { ResilienceSettings } from './resilience.config';

export interface OperationPoliciesOptions {
  /** A number in [0, 1) for the jitter; `Math.random` unless a test gives its own. */
  random?: () => number;
  /** Monotonic milliseconds, for `max_delay_seconds`. */
  now?: () => number;
}

/**
 * Registers one circuit breaker per operation (`summarize_text`, `analyze_sentiment`, ...), as
 * the template names them: opens after `circuit_breaker_threshold` consecutive failures, lets a
 * trial call through after `recovery_timeout` seconds.
 */
export function registerOperationBreakers(
  registry: CircuitBreakerRegistry,
  settings: ResilienceSettings,
): void {
  for (const operation of OPERATIONS) {
    const { figures } = settings.operations[operation];
    registry.create(BREAKER_NAMES[operation], {
      halfOpenAfterMs: figures.recovery_timeout * 1000,
      breaker: new ConsecutiveBreaker(figures.circuit_breaker_threshold),
    });
  }
}

/**
 * The wait before retry `attempt` (1 for the first), in ms, as tenacity's
 * `wait_exponential(multiplier, min, max)` plus `wait_random(0, jitter_max)`.
 */
export function retryDelayMs(figures: ResilienceFigures, attempt: number, random: number): number {
  const exponential = figures.exponential_multiplier * 2 ** (attempt - 1);
  const bounded = Math.min(Math.max(exponential, figures.exponential_min), figures.exponential_max);
  const jitter = figures.jitter_enabled ? random * figures.jitter_max : 0;
  return Math.round((bounded + jitter) * 1000);
}

/**
 * A provider failure worth another call: the provider unreachable, a 5xx, 408 or 429, an answer
 * that broke off or made no sense. Another 4xx (a bad key, a refused request) would fail again.
 */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof AiProviderError)) return false;
  const status = error.httpStatus;
  return status === undefined || status < 400 || status >= 500 || status === 408 || status === 429;
}

/** The last error once `max_delay_seconds` have passed: not retried. */
class RetryTimeSpent extends Error {
  constructor(override readonly cause: unknown) {
    super('retry time spent');
  }
}

interface OperationPolicy {
  breaker: string;
  retry: RetryPolicy;
  figures: Readonly<ResilienceFigures>;
}

/**
 * Each operation's calls to the provider: retried with backoff by its retry policy, each
 * attempt through its own circuit breaker, so that one operation failing opens its breaker only.
 * An open breaker is not retried: its `BrokenCircuitError` is thrown at once.
 */
export class OperationPolicies {
  private readonly policies = new Map<Operation, OperationPolicy>();
  private readonly now: () => number;

  constructor(
    private readonly breakers: CircuitBreakerRegistry,
    settings: ResilienceSettings,
    options: OperationPoliciesOptions = {},
  ) {
    const random = options.random ?? Math.random;
    this.now = options.now ?? (() => performance.now());
    for (const operation of OPERATIONS) {
      const { figures } = settings.operations[operation];
      const policy = retry(handleWhen(isTransient), {
        maxAttempts: figures.retry_attempts - 1,
        backoff: new DelegateBackoff((context: { attempt: number }) =>
          retryDelayMs(figures, context.attempt, random()),
        ),
      });
      this.policies.set(operation, { breaker: BREAKER_NAMES[operation], retry: policy, figures });
    }
  }

  /** The breaker name of `operation`. */
  breakerOf(operation: Operation): string {
    return this.policy(operation).breaker;
  }

  /**
   * Runs `call` for `operation` under its policy. `signal` bounds the whole of it, retries and
   * waits included: once it aborts, its reason is thrown at once.
   */
  async execute<T>(
    operation: Operation,
    call: (signal: AbortSignal) => Promise<T>,
    signal: AbortSignal,
  ): Promise<T> {
    const { breaker, retry: policy, figures } = this.policy(operation);
    const started = this.now();
    const attempt = async (): Promise<T> => {
      if (signal.aborted) throw signal.reason;
      try {
        return await this.breakers.execute(breaker, (context) =>
          call(AbortSignal.any([context.signal, signal])),
        );
      } catch (error) {
        if (this.now() - started >= figures.max_delay_seconds * 1000) {
          throw new RetryTimeSpent(error);
        }
        throw error;
      }
    };
    try {
      return await untilAborted(
        policy.execute(() => attempt(), signal),
        signal,
      );
    } catch (error) {
      throw error instanceof RetryTimeSpent ? error.cause : error;
    }
  }

  private policy(operation: Operation): OperationPolicy {
    const policy = this.policies.get(operation);
    if (!policy) throw new Error(`No resilience policy for operation ${operation}`);
    return policy;
  }
}

/** `promise`, or the signal's reason as soon as it aborts (a retry's wait is not abortable). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(signal.reason as Error);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error as Error);
      },
    );
  });
}
