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
  epochMs: preciseEpochMs,
};

/**
 * Wall-clock time with sub-millisecond precision (timestamps show microseconds) while the
 * high-resolution clock agrees with the system clock; `Date.now()` once they drift apart
 * (the system clock was stepped since the process started).
 */
export function preciseEpochMs(): number {
  const coarse = Date.now();
  const precise = performance.timeOrigin + performance.now();
  return Math.abs(precise - coarse) < 1 ? precise : coarse;
}
