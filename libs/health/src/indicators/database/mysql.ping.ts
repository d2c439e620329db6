import type { Connection, ConnectionOptions } from 'mysql2';
import { createConnection } from 'mysql2';
import { HealthConfigurationError } from '../../shared/errors';
import { Redactor } from '../../shared/redact';
import { errorText } from '../../shared/error-text';
import type { ConnectionPingOptions, DriverPing } from './lazy-connection';
import { connectionPing, resolveConnectionTimeouts, secretsOf } from './lazy-connection';

/**
 * A MySQL / MariaDB ping over one `mysql2` connection of its own: `COM_PING`, opened on the first
 * ping and reused. `config` is a `mysql://` URL or `mysql2` connection options; the helper owns
 * `connectTimeout`. Error messages never contain the password or the URL.
 */
export function mysqlPing(
  config: string | ConnectionOptions,
  options: ConnectionPingOptions = {},
): DriverPing {
  const timeouts = resolveConnectionTimeouts(options, 'mysqlPing');
  if (typeof config !== 'string' && (config === null || typeof config !== 'object')) {
    throw new HealthConfigurationError('mysqlPing config', config, 'a URL or mysql2 options');
  }
  const base: ConnectionOptions = typeof config === 'string' ? { uri: config } : { ...config };
  const redactor = new Redactor(secretsOf(base.uri, base.password));
  assertParsable(base, redactor);
  const settings: ConnectionOptions = { ...base, connectTimeout: timeouts.connectTimeoutMs };
  return connectionPing<Connection>(
    {
      open: (signal) =>
        new Promise((resolve, reject) => {
          const connection = createConnection(settings);
          // A fatal error after the handshake is also told by 'end': onLost sees it.
          connection.on('error', () => undefined);
          const abort = () => connection.destroy();
          signal.addEventListener('abort', abort, { once: true });
          connection.connect((error) => {
            signal.removeEventListener('abort', abort);
            if (!error) return resolve(connection);
            connection.destroy();
            reject(error);
          });
        }),
      ping: (connection) =>
        new Promise<void>((resolve, reject) => {
          connection.ping((error) => (error ? reject(error) : resolve()));
        }),
      destroy: (connection) => connection.destroy(),
      // mysql2 calls end's callback once QUIT is sent: done is when the server closes.
      end: (connection) =>
        new Promise<void>((resolve) => {
          connection.once('end', () => resolve());
          connection.end();
        }),
      onLost: (connection, lost) => {
        connection.once('end', lost);
        connection.once('error', lost);
      },
    },
    timeouts,
    redactor,
  );
}

/** Fails at startup on settings mysql2 cannot parse, with a message free of secrets. */
function assertParsable(config: ConnectionOptions, redactor: Redactor): void {
  try {
    if (config.uri !== undefined) new URL(config.uri);
  } catch (error) {
    throw new Error(`Invalid MySQL connection settings: ${redactor.text(errorText(error))}`);
  }
}
