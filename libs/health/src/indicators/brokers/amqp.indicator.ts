import type { ChannelModel, Options, SocketOptions } from 'amqplib';
import { connect } from 'amqplib';
import { HealthConfigurationError } from '../../shared/errors';
import { Redactor } from '../../shared/redact';
import { DatabaseIndicator } from '../database/database.indicator';
import type { ConnectionPingOptions, DriverPing } from '../database/lazy-connection';
import { connectionPing, resolveConnectionTimeouts, secretsOf } from '../database/lazy-connection';

export interface AmqpIndicatorOptions extends ConnectionPingOptions {
  /** Component name. Default `'rabbitmq'`. */
  name?: string;
  /** amqplib socket options (TLS: `ca`, `cert`, `key`, `servername`...). */
  socketOptions?: SocketOptions;
}

/**
 * An AMQP 0-9-1 (RabbitMQ) ping over one `amqplib` connection of its own: each ping opens a
 * channel and closes it, a round trip the broker itself answers. The connection is opened on the
 * first ping and reused; `url` is an `amqp://` / `amqps://` URL or amqplib's connect options.
 */
export function amqpPing(
  url: string | Options.Connect,
  options: Omit<AmqpIndicatorOptions, 'name'> = {},
): DriverPing {
  const timeouts = resolveConnectionTimeouts(options, 'amqpPing');
  const secrets =
    typeof url === 'string'
      ? secretsOf(url)
      : url !== null && typeof url === 'object'
        ? secretsOf(undefined, url.password)
        : invalid(url);
  const redactor = new Redactor(secrets);
  if (typeof url === 'string') assertAmqpUrl(url, redactor);
  const socketOptions = options.socketOptions ?? {};
  return connectionPing<ChannelModel>(
    {
      // The socket takes the signal: aborting it destroys the socket, connecting or open.
      open: (signal) =>
        connect(url, {
          ...socketOptions,
          timeout: timeouts.connectTimeoutMs,
          signal,
          clientProperties: { connection_name: 'nest-health' },
        } as SocketOptions),
      ping: async (connection) => {
        const channel = await connection.createChannel();
        await channel.close();
      },
      destroy: () => undefined,
      end: (connection) => connection.close(),
      onLost: (connection, lost) => {
        connection.on('error', () => undefined);
        connection.once('close', lost);
      },
    },
    timeouts,
    redactor,
  );
}

/**
 * A `DatabaseIndicator` (driver `'rabbitmq'`, messages `RabbitMQ reachable` / `RabbitMQ
 * unreachable: ...`) over `amqpPing`; its `onModuleDestroy()` closes the connection.
 */
export function createAmqpIndicator(
  url: string | Options.Connect,
  options: AmqpIndicatorOptions = {},
): DatabaseIndicator {
  const { name = 'rabbitmq', ...pingOptions } = options ?? {};
  const { ping, close } = amqpPing(url, pingOptions);
  return new DatabaseIndicator({ name, driver: 'rabbitmq', ping, close });
}

function invalid(url: unknown): never {
  throw new HealthConfigurationError('amqpPing url', url, 'an amqp:// URL or amqplib options');
}

function assertAmqpUrl(url: string, redactor: Redactor): void {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw new Error('Invalid AMQP connection settings: Invalid URL');
  }
  if (protocol !== 'amqp:' && protocol !== 'amqps:') {
    throw new Error(
      `Invalid AMQP connection settings: ${redactor.text(protocol)} is not amqp: or amqps:`,
    );
  }
}
