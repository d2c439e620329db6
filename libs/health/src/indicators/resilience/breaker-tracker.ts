import type { CircuitBreakerPolicy, FailureReason, IDisposable } from 'cockatiel';
import { CircuitState } from 'cockatiel';
import type {
  CircuitBreakerClock,
  CircuitBreakerCounters,
  CircuitBreakerSnapshot,
  CircuitBreakerState,
} from './circuit-breaker.types';

type BreakReason = FailureReason<unknown> | { isolated: true };

/** Follows one policy through its events: counters, when it opened, the state to report. */
export class BreakerTracker {
  private readonly counters: CircuitBreakerCounters = {
    successes: 0,
    failures: 0,
    rejections: 0,
    breaks: 0,
  };
  /** Meaningful only while the policy is not closed. */
  private openedAt: number;
  private readonly subscriptions: IDisposable[];

  constructor(
    readonly policy: CircuitBreakerPolicy,
    private readonly halfOpenAfterMs: number,
    private readonly clock: CircuitBreakerClock,
  ) {
    // A policy already open when registered (e.g. restored from toJSON) broke before we listened:
    // its open time is unknown, so it counts from now and is not reported half-open too early.
    this.openedAt = clock();
    this.subscriptions = [
      policy.onSuccess(() => this.counters.successes++),
      policy.onFailure(({ handled }) => {
        if (handled) this.counters.failures++;
      }),
      policy.onBreak((reason) => this.opened(reason)),
    ];
  }

  countRejection(): void {
    this.counters.rejections++;
  }

  snapshot(name: string): CircuitBreakerSnapshot {
    const state = this.state();
    const opened_at = state === 'closed' ? null : this.openedAt;
    return { name, state, opened_at, ...this.counters };
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
  }

  private opened(reason: BreakReason): void {
    this.openedAt = this.clock();
    if (!('isolated' in reason)) this.counters.breaks++;
  }

  private state(): CircuitBreakerState {
    switch (this.policy.state) {
      case CircuitState.Closed:
        return 'closed';
      case CircuitState.Isolated:
        return 'isolated';
      case CircuitState.HalfOpen:
        return 'half_open';
      default:
        return this.probeDue() ? 'half_open' : 'open';
    }
  }

  /**
   * Cockatiel leaves Open only when the next call arrives; once `halfOpenAfterMs` has passed,
   * that call will be let through as a trial, so the breaker is half-open in all but name.
   */
  private probeDue(): boolean {
    return this.clock() - this.openedAt >= this.halfOpenAfterMs;
  }
}
