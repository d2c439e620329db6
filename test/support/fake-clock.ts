export { dateClock } from '@nest-health/core/testing';

/** A promise that never settles, like a dependency that accepted a connection and went silent. */
export function never<T>(): Promise<T> {
  return new Promise<T>(() => undefined);
}
