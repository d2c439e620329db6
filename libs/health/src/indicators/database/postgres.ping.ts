import type { PoolConfig } from 'pg';
import { Client, Pool } from 'pg';
import { HealthConfigurationError } from '../../shared/errors';
import { Redactor } from '../../shared/redact';
import { untilAborted } from './abortable';
import { errorText } from '../../shared/error-text';
import { SocketTracker } from './socket-tracker';

export interface PostgresPingOptions {
  /** Bounds opening a connection (TCP, TLS, startup, auth), even if nobody aborts. Default 5000. */
  connectionTimeoutMs?: number;
  /** Bounds waiting for the answer to `SELECT 1`, even if nobody aborts. Default 5000. */
  queryTimeoutMs?: number;
  /** Closes the pooled connection after it has been idle this long. Default 30000. */
  idleTimeoutMs?: number;
}

/** A `ping` for `DatabaseIndicator`, and the way to release its connection. */
export interface PostgresPing {
  /** Runs `SELECT 1`. When `signal` aborts, the connection in use is destroyed and it rejects. */
  ping(signal: AbortSignal): Promise<void>;
  /** Ends the pool, cutting off a ping in flight. Calling it again returns the same promise. */
  close(): Promise<void>;
}

export const POSTGRES_PING_DEFAULTS: Readonly<Required<PostgresPingOptions>> = {
  connectionTimeoutMs: 5000,
  queryTimeoutMs: 5000,
  idleTimeoutMs: 30_000,
};

/**
 * A PostgreSQL ping backed by a `pg.Pool` of one connection. The helper owns the pool settings
 * `max`, `connectionTimeoutMillis`, `query_timeout`, `idleTimeoutMillis`, `allowExitOnIdle`.
 * Error messages never contain the password or the connection string.
 */
export function postgresPing(
  config: string | PoolConfig,
  options: PostgresPingOptions = {},
): PostgresPing {
  const base: PoolConfig =
    typeof config === 'string' ? { connectionString: config } : { ...config };
  const timeouts = resolveTimeouts(options);
  const redactor = new Redactor(secretsOf(base));
  assertParsable(base, redactor);
  const sockets = new SocketTracker();
  const pool = new Pool({
    ...base,
    max: 1,
    connectionTimeoutMillis: timeouts.connectionTimeoutMs,
    query_timeout: timeouts.queryTimeoutMs,
    idleTimeoutMillis: timeouts.idleTimeoutMs,
    allowExitOnIdle: true,
    stream: sockets.factory(base.stream),
  });
  // A dropped idle connection must not crash the process: the next ping reconnects and reports.
  pool.on('error', () => undefined);

  let inFlight = 0;
  let closing: Promise<void> | undefined;
  const ping = async (signal: AbortSignal): Promise<void> => {
    signal.throwIfAborted();
    inFlight++;
    try {
      await untilAborted(pool.query('SELECT 1'), signal, () => sockets.destroyAll());
    } catch (error) {
      throw signal.aborted ? signal.reason : new Error(redactor.text(errorText(error)));
    } finally {
      inFlight--;
    }
  };
  const close = (): Promise<void> => {
    closing ??= (async () => {
      if (inFlight > 0) sockets.destroyAll();
      await pool.end();
    })();
    return closing;
  };
  return { ping, close };
}

function resolveTimeouts(options: PostgresPingOptions): Required<PostgresPingOptions> {
  if (options === null || typeof options !== 'object') {
    throw new HealthConfigurationError('postgresPing options', options, 'an object');
  }
  const resolved = { ...POSTGRES_PING_DEFAULTS };
  for (const key of Object.keys(POSTGRES_PING_DEFAULTS) as (keyof PostgresPingOptions)[]) {
    const value = options[key] ?? POSTGRES_PING_DEFAULTS[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new HealthConfigurationError(`postgresPing.${key}`, value, 'a number of ms > 0');
    }
    resolved[key] = value;
  }
  return resolved;
}

function secretsOf(config: PoolConfig): string[] {
  const url = config.connectionString;
  const password = typeof config.password === 'string' ? config.password : undefined;
  return [url, password, ...urlPasswords(url)].filter((s): s is string => Boolean(s));
}

function urlPasswords(url: string | undefined): string[] {
  try {
    const { password } = new URL(url ?? '');
    return [password, decodeURIComponent(password)];
  } catch {
    return [];
  }
}

/** Fails at startup on a connection string pg cannot parse, with a message free of secrets. */
function assertParsable(config: PoolConfig, redactor: Redactor): void {
  try {
    new Client({ ...config, stream: undefined });
  } catch (error) {
    throw new Error(`Invalid PostgreSQL connection settings: ${redactor.text(errorText(error))}`);
  }
}
