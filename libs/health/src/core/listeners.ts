/**
 * Calls each listener with `args` so that a failing one (a throw, or a rejection later) goes to
 * `failed` and never reaches the caller.
 */
export function callListeners<A extends unknown[]>(
  listeners: Iterable<(...args: A) => unknown>,
  args: A,
  failed: (error: unknown) => void,
): void {
  for (const listener of listeners) {
    try {
      const result = listener(...args);
      if (result instanceof Promise) result.catch(failed);
    } catch (error) {
      failed(error);
    }
  }
}
