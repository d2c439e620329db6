import { HealthConfigurationError } from '../../shared/errors';
import { errorText } from '../../shared/error-text';
import type { Redactor } from '../../shared/redact';

/** How one client library opens, proves, and tears down a single connection. */
export interface ConnectionDriver<C> {
  /**
   * Opens a connection. `signal` aborts when the opening is given up (the check aborted, the
   * connect timeout passed, the ping closed): the driver should then destroy what it opened.
   */
  open(signal: AbortSignal): Promise<C>;
  /** One round trip that proves the server answers, over an open connection. */
  ping(connection: C, signal: AbortSignal): Promise<unknown>;
  /** Tears the connection down at once, without waiting for the server. Must not throw. */
  destroy(connection: C): void;
  /** Closes the connection politely; it is destroyed if this takes longer than the ping timeout. */
  end(connection: C): Promise<unknown>;
  /** Calls `lost` when the connection closes or fails on its own (server gone, restart). */
  onLost(connection: C, lost: () => void): void;
}

/** The timeouts every broker or database ping takes; the engine's timeout usually comes first. */
export interface ConnectionPingOptions {
  /** Bounds opening a connection (TCP, TLS, handshake, auth), even if nobody aborts. Default 5000. */
  connectTimeoutMs?: number;
  /** Bounds one ping round trip over an open connection, even if nobody aborts. Default 5000. */
  pingTimeoutMs?: number;
  /** Closes the connection after it has been idle this long. Default 30000. */
  idleTimeoutMs?: number;
}

export const CONNECTION_PING_DEFAULTS: Readonly<Required<ConnectionPingOptions>> = {
  connectTimeoutMs: 5000,
  pingTimeoutMs: 5000,
  idleTimeoutMs: 30_000,
};

/** A `ping` for `DatabaseIndicator`, and the way to release its connection. */
export interface DriverPing {
  /** Proves the server answers. When `signal` aborts, the connection in use is destroyed. */
  ping(signal: AbortSignal): Promise<void>;
  /** Closes the connection, cutting off a ping in flight. Calling it again returns the same promise. */
  close(): Promise<void>;
}

/** Validates the three timeouts, naming a bad one as `<helper>.<option>`. */
export function resolveConnectionTimeouts(
  options: ConnectionPingOptions,
  helper: string,
): Required<ConnectionPingOptions> {
  if (options === null || typeof options !== 'object') {
    throw new HealthConfigurationError(`${helper} options`, options, 'an object');
  }
  const resolved = { ...CONNECTION_PING_DEFAULTS };
  for (const key of Object.keys(CONNECTION_PING_DEFAULTS) as (keyof ConnectionPingOptions)[]) {
    const value = options[key] ?? CONNECTION_PING_DEFAULTS[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 2 ** 31 - 1) {
      throw new HealthConfigurationError(`${helper}.${key}`, value, 'a number of ms > 0');
    }
    resolved[key] = value;
  }
  return resolved;
}

interface Open<C> {
  readonly controller: AbortController;
  readonly promise: Promise<C>;
  connection?: C;
  discarded?: boolean;
}

/**
 * One connection, opened on the first ping, reused while it lives, destroyed when a ping is
 * aborted, times out or fails (the next ping opens a fresh one), closed when idle or on `close()`.
 * Errors are passed through `redactor`; an aborted ping rejects with the signal's reason.
 */
export function connectionPing<C>(
  driver: ConnectionDriver<C>,
  timeouts: Required<ConnectionPingOptions>,
  redactor: Redactor,
): DriverPing {
  let current: Open<C> | undefined;
  let closing: Promise<void> | undefined;
  let idle: NodeJS.Timeout | undefined;
  let inFlight = 0;

  const discard = (open: Open<C>, reason = new Error('the connection was discarded')) => {
    if (current === open) current = undefined;
    if (open.discarded) return;
    open.discarded = true;
    open.controller.abort(reason);
    if (open.connection !== undefined) driver.destroy(open.connection);
  };

  const start = (): Open<C> => {
    const controller = new AbortController();
    // A driver that throws at once (a bad option) fails the ping like any other error.
    const promise = Promise.resolve().then(() => driver.open(controller.signal));
    const open: Open<C> = { controller, promise };
    open.promise.then(
      (connection) => {
        open.connection = connection;
        if (controller.signal.aborted || current !== open) return driver.destroy(connection);
        // A ping in flight on a lost connection fails at once, whatever the client does with it.
        driver.onLost(connection, () => discard(open, new Error('the connection was lost')));
      },
      () => {
        if (current === open) current = undefined;
      },
    );
    return open;
  };

  const ping = async (signal: AbortSignal): Promise<void> => {
    signal.throwIfAborted();
    if (closing) throw new Error('the ping was closed');
    clearTimeout(idle);
    inFlight++;
    const open = (current ??= start());
    try {
      const connection =
        open.connection ??
        (await bounded(
          open.promise,
          timeouts.connectTimeoutMs,
          'connect',
          [signal, open.controller.signal],
          () => discard(open),
        ));
      const work = Promise.resolve().then(() => driver.ping(connection, signal));
      await bounded(work, timeouts.pingTimeoutMs, 'ping', [signal, open.controller.signal], () =>
        discard(open),
      );
    } catch (error) {
      discard(open);
      throw signal.aborted ? signal.reason : new Error(redactor.text(errorText(error)));
    } finally {
      if (--inFlight === 0 && !closing) scheduleIdleClose();
    }
  };

  const scheduleIdleClose = () => {
    idle = setTimeout(() => {
      const open = current;
      current = undefined;
      if (open) void endPolitely(open);
    }, timeouts.idleTimeoutMs);
    idle.unref();
  };

  const endPolitely = async (open: Open<C>): Promise<void> => {
    if (open.connection === undefined) return discard(open);
    const connection = open.connection;
    const ended = Promise.resolve()
      .then(() => driver.end(connection))
      .then(() => undefined);
    try {
      await bounded(ended, timeouts.pingTimeoutMs, 'close', [], () => discard(open));
    } catch {
      discard(open);
    }
  };

  const close = (): Promise<void> => {
    closing ??= (async () => {
      clearTimeout(idle);
      const open = current;
      current = undefined;
      if (!open) return;
      if (inFlight > 0 || open.connection === undefined) {
        return discard(open, new Error('the ping was closed'));
      }
      await endPolitely(open);
    })();
    return closing;
  };

  return { ping, close };
}

/**
 * Settles with `work`, or rejects when `ms` pass (`<what> timed out after <ms> ms`) or one of
 * `signals` aborts (its reason), calling `giveUp` first so the work's resources are released.
 */
function bounded<T>(
  work: Promise<T>,
  ms: number,
  what: string,
  signals: readonly AbortSignal[],
  giveUp: () => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const stop = (reason: unknown) => {
      cleanup();
      giveUp();
      reject(reason);
    };
    const aborted = signals.find((signal) => signal.aborted);
    if (aborted) return stop(aborted.reason);
    const onAbort = (event: Event) => stop((event.target as AbortSignal).reason);
    const timer = setTimeout(() => stop(new Error(`${what} timed out after ${ms} ms`)), ms);
    timer.unref();
    const cleanup = () => {
      clearTimeout(timer);
      for (const signal of signals) signal.removeEventListener('abort', onAbort);
    };
    for (const signal of signals) signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        cleanup();
        resolve(value);
      },
      (error: unknown) => {
        cleanup();
        reject(error);
      },
    );
  });
}

/** The secrets a connection URL and a password option hold, for a `Redactor`. */
export function secretsOf(url: string | undefined, password?: unknown): string[] {
  const found: string[] = [];
  if (url) found.push(url);
  if (typeof password === 'string') found.push(password);
  try {
    const parsed = new URL(url ?? '');
    if (parsed.password) found.push(parsed.password, decodeURIComponent(parsed.password));
    if (parsed.username && parsed.password) found.push(`${parsed.username}:${parsed.password}`);
  } catch {
    // not a URL: nothing more to mask
  }
  return found;
}
