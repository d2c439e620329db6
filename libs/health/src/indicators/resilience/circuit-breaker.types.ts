import type { IBreaker, Policy } from 'cockatiel';

import type { CircuitBreakerState } from '../../core/ports';

export type { CircuitBreakerState };

/** Operation counters since the breaker was registered. */
export interface CircuitBreakerCounters {
  /** Calls that ran and succeeded. */
  successes: number;
  /** Calls that ran and failed with an error or result the breaker handles. */
  failures: number;
  /** Calls refused by an open or isolated breaker (counted by `registry.execute` only). */
  rejections: number;
  /** Times the breaker opened on its own (isolation is not a break). */
  breaks: number;
}

export interface CircuitBreakerSnapshot extends CircuitBreakerCounters {
  name: string;
  state: CircuitBreakerState;
  /** When the breaker last opened or was isolated, in epoch ms of the registry's clock; null when closed. */
  opened_at: number | null;
}

export interface RegisterCircuitBreakerOptions {
  /** The policy's `halfOpenAfter` in ms: after this long open, the breaker is reported half-open. */
  halfOpenAfterMs: number;
}

export interface CreateCircuitBreakerOptions extends RegisterCircuitBreakerOptions {
  breaker: IBreaker;
  /** Which errors and results count as failures. Default `handleAll`. */
  handle?: Policy;
}

/** Epoch milliseconds; the registry's only source of time. */
export type CircuitBreakerClock = () => number;
