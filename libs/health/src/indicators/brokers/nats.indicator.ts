import type { ConnectionOptions, NatsConnection } from 'nats';
import { connect } from 'nats';
import { HealthConfigurationError } from '../../shared/errors';
import { Redactor } from '../../shared/redact';
import { DatabaseIndicator } from '../database/database.indicator';
import { awaitFirstBytes } from '../database/first-bytes';
import type { ConnectionPingOptions, DriverPing } from '../database/lazy-connection';
import { connectionPing, resolveConnectionTimeouts, secretsOf } from '../database/lazy-connection';

export interface NatsIndicatorOptions extends ConnectionPingOptions {
  /** Component name. Default `'nats'`. */
  name?: string;
}

/**
 * A NATS ping over one `nats` connection of its own: each ping is a flush (PING, PONG). The
 * connection is opened on the first ping and reused; `config` is a server URL
 * (`nats://host:4222`) or the client's connection options (`servers`, `user`, `pass`, `token`,
 * `tls`...). The helper owns `timeout`, `reconnect` and `name`.
 */
export function natsPing(
  config: string | ConnectionOptions,
  options: ConnectionPingOptions = {},
): DriverPing {
  const timeouts = resolveConnectionTimeouts(options, 'natsPing');
  const base = typeof config === 'string' ? { servers: config } : checkedOptions(config);
  const servers = [base.servers ?? '127.0.0.1:4222'].flat();
  const redactor = new Redactor([
    ...servers.flatMap((server) => secretsOf(server)),
    ...secretsOf(undefined, base.pass),
    ...secretsOf(undefined, base.token),
  ]);
  const settings: ConnectionOptions = {
    ...base,
    timeout: timeouts.connectTimeoutMs,
    reconnect: false,
    name: base.name ?? 'nest-health',
  };
  const probe = base.tls?.handshakeFirst === true ? undefined : serverAddress(servers[0]);
  return connectionPing<NatsConnection>(
    {
      open: async (signal) => {
        // nats 2.29 leaves its socket open when its connect times out before INFO: look first.
        if (probe) await awaitFirstBytes(probe, signal);
        return connect(settings);
      },
      ping: (connection) => connection.flush(),
      destroy: (connection) => void connection.close().catch(() => undefined),
      end: (connection) => connection.close(),
      onLost: (connection, lost) => void connection.closed().then(lost, lost),
    },
    timeouts,
    redactor,
  );
}

/**
 * A `DatabaseIndicator` (driver `'nats'`, messages `NATS reachable` / `NATS unreachable: ...`)
 * over `natsPing`; its `onModuleDestroy()` closes the connection.
 */
export function createNatsIndicator(
  config: string | ConnectionOptions,
  options: NatsIndicatorOptions = {},
): DatabaseIndicator {
  const { name = 'nats', ...pingOptions } = options ?? {};
  const { ping, close } = natsPing(config, pingOptions);
  return new DatabaseIndicator({ name, driver: 'nats', ping, close });
}

function checkedOptions(config: unknown): ConnectionOptions {
  if (config === null || typeof config !== 'object') {
    throw new HealthConfigurationError('natsPing config', config, 'a URL or nats options');
  }
  return { ...(config as ConnectionOptions) };
}

/** `nats://user:pass@host:port`, `host:port` or `host` into host and port (4222 by default). */
export function serverAddress(server: string): { host: string; port: number } {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(server) ? server : `nats://${server}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new Error('Invalid NATS connection settings: Invalid URL');
  }
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port) || 4222 };
}
