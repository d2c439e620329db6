import { createConnection } from 'node:net';
import { errorText } from '../../shared/error-text';

/**
 * Opens one TCP connection to `host:port` and closes it at once. Rejects with a short message
 * when the connection is refused or fails, when `backstopMs` passes, or with the abort reason
 * when `signal` aborts; in every case the socket is destroyed before the promise settles.
 */
export function connectOnce(
  host: string,
  port: number,
  backstopMs: number,
  signal: AbortSignal,
): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<void>((resolve, reject) => {
    const socket = createConnection({ host, port });
    const settle = (error?: unknown) => {
      clearTimeout(backstop);
      signal.removeEventListener('abort', onAbort);
      socket.removeAllListeners('connect');
      socket.destroy();
      if (error === undefined) resolve();
      else reject(error);
    };
    const onAbort = () => settle(signal.reason);
    const backstop = setTimeout(
      () => settle(new Error(`${where(host, port)}: no connection within ${backstopMs} ms`)),
      backstopMs,
    );
    backstop.unref();
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => settle());
    // A listener stays after settling: a late error of the destroyed socket must not escape.
    socket.on('error', (error) => settle(new Error(`${where(host, port)}: ${errorText(error)}`)));
  });
}

/** `host:port`, with brackets around an IPv6 address. */
export function where(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
