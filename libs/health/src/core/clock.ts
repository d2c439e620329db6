import { performance } from 'node:perf_hooks';

/** Where the engine reads time. Give your own in tests. */
export interface HealthClock {
  /** Monotonic milliseconds, for durations and deadlines. */
  monotonicMs(): number;
  /** Wall-clock epoch milliseconds, for report timestamps. */
  epochMs(): number;
}

export const systemClock: HealthClock = {
  monotonicMs: () => performance.now(),
  epochMs: () => Date.now(),
};
