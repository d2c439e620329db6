import type { HealthClock } from '@nest-health/core';

/** A clock on `Date.now()`, which Jest's fake timers control. */
export const dateClock: HealthClock = {
  monotonicMs: () => Date.now(),
  epochMs: () => Date.now(),
};

/** A promise that never settles, like a dependency that accepted a connection and went silent. */
export function never<T>(): Promise<T> {
  return new Promise<T>(() => undefined);
}
