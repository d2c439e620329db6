/**
 * Settles with `work`, or rejects with the abort reason as soon as `signal` aborts, after
 * calling `onAbort` so the work can release what it holds. The abandoned work's outcome is ignored.
 */
export function untilAborted<T>(
  work: Promise<T>,
  signal: AbortSignal,
  onAbort: () => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const abort = () => {
      onAbort();
      reject(signal.reason);
    };
    signal.addEventListener('abort', abort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}
