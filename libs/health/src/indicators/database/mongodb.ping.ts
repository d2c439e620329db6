import type { MongoClientOptions } from 'mongodb';
import { MongoClient } from 'mongodb';
import { HealthConfigurationError } from '../../shared/errors';
import { errorText } from '../../shared/error-text';
import { Redactor } from '../../shared/redact';
import type { ConnectionPingOptions, DriverPing } from './lazy-connection';
import { awaitFirstBytes, MONGODB_LEGACY_HELLO } from './first-bytes';
import { connectionPing, resolveConnectionTimeouts, secretsOf } from './lazy-connection';

/**
 * A MongoDB ping over one `MongoClient` of its own (`maxPoolSize` 1): each ping runs the
 * `{ ping: 1 }` command on `admin`, aborted with the signal. The client is connected on the
 * first ping and reused; it is closed when a ping fails, is aborted or times out, and the next
 * ping connects afresh. The helper owns `serverSelectionTimeoutMS` and `connectTimeoutMS`
 * (both `connectTimeoutMs`), `maxPoolSize`, `minPoolSize` and `appName`.
 */
export function mongodbPing(
  url: string,
  options: ConnectionPingOptions & { clientOptions?: MongoClientOptions } = {},
): DriverPing {
  const timeouts = resolveConnectionTimeouts(options, 'mongodbPing');
  if (typeof url !== 'string') {
    throw new HealthConfigurationError('mongodbPing url', url, 'a mongodb:// URL');
  }
  const clientOptions = options.clientOptions ?? {};
  const redactor = new Redactor(secretsOf(url, clientOptions.auth?.password));
  const settings: MongoClientOptions = {
    appName: 'nest-health',
    ...clientOptions,
    serverSelectionTimeoutMS: timeouts.connectTimeoutMs,
    connectTimeoutMS: timeouts.connectTimeoutMs,
    maxPoolSize: 1,
    minPoolSize: 0,
  };
  // Parses the URL and its options now (the constructor connects nowhere): bad settings fail here.
  try {
    new MongoClient(url, settings);
  } catch (error) {
    throw new Error(`Invalid MongoDB connection settings: ${redactor.text(errorText(error))}`);
  }
  const probe = plainSingleHost(url, clientOptions);
  return connectionPing<MongoClient>(
    {
      open: async (signal) => {
        // The driver keeps a socket in its handshake open until connectTimeoutMS, even after
        // close(): on a plain single-host URL, a socket of the ping's own looks first.
        if (probe) await awaitFirstBytes(probe, signal, MONGODB_LEGACY_HELLO);
        const client = new MongoClient(url, settings);
        signal.addEventListener('abort', () => void client.close().catch(() => undefined), {
          once: true,
        });
        try {
          return await client.connect();
        } catch (error) {
          await client.close().catch(() => undefined);
          throw error;
        }
      },
      ping: (client, signal) => client.db('admin').command({ ping: 1 }, { signal }),
      destroy: (client) => void client.close().catch(() => undefined),
      end: (client) => client.close(),
      // The driver reconnects by itself; a failing ping closes the client anyway.
      onLost: () => undefined,
    },
    timeouts,
    redactor,
  );
}

/** Host and port of a `mongodb://` URL naming one host, without TLS; undefined otherwise. */
export function plainSingleHost(
  url: string,
  options: MongoClientOptions,
): { host: string; port: number } | undefined {
  const match = /^mongodb:\/\/(?:[^@/]*@)?([^/?,]+)(?:[/?]|$)/i.exec(url);
  if (!match || options.tls || options.ssl || /[?&](tls|ssl)=true/i.test(url)) return undefined;
  const hostPort = /^\[([^\]]+)\](?::(\d+))?$|^([^:]+)(?::(\d+))?$/.exec(match[1]);
  if (!hostPort) return undefined;
  const host = hostPort[1] ?? hostPort[3];
  return { host, port: Number(hostPort[2] ?? hostPort[4] ?? 27017) };
}
