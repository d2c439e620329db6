import type { IClientOptions, MqttClient } from 'mqtt';
import { connect } from 'mqtt';
import { randomBytes } from 'node:crypto';
import { HealthConfigurationError } from '../../shared/errors';
import { Redactor } from '../../shared/redact';
import { DatabaseIndicator } from '../database/database.indicator';
import type { ConnectionPingOptions, DriverPing } from '../database/lazy-connection';
import { connectionPing, resolveConnectionTimeouts, secretsOf } from '../database/lazy-connection';

export interface MqttIndicatorOptions extends ConnectionPingOptions {
  /** Component name. Default `'mqtt'`. */
  name?: string;
  /** mqtt.js client options (`username`, `password`, `protocolVersion`, TLS...). */
  clientOptions?: IClientOptions;
}

/** The topic each ping unsubscribes from: never subscribed, so nothing is delivered or changed. */
export const MQTT_PING_TOPIC = 'nest-health/ping';

/**
 * An MQTT ping over one `mqtt` client of its own: each ping unsubscribes from a topic it never
 * subscribed to, and the broker's UNSUBACK is the answer (no message is published, no
 * subscription is made). The client is connected on the first ping and reused, with
 * reconnection off (the next ping after a failure connects afresh).
 */
export function mqttPing(
  url: string,
  options: Omit<MqttIndicatorOptions, 'name'> = {},
): DriverPing {
  const timeouts = resolveConnectionTimeouts(options, 'mqttPing');
  if (typeof url !== 'string') {
    throw new HealthConfigurationError('mqttPing url', url, 'an mqtt:// URL');
  }
  const clientOptions = options.clientOptions ?? {};
  const redactor = new Redactor(secretsOf(url, passwordText(clientOptions.password)));
  assertMqttUrl(url, redactor);
  return connectionPing<MqttClient>(
    {
      open: (signal) =>
        new Promise((resolve, reject) => {
          const client = connect(url, {
            clientId: `nest-health_${randomBytes(6).toString('hex')}`,
            ...clientOptions,
            reconnectPeriod: 0,
            connectTimeout: timeouts.connectTimeoutMs,
          });
          const fail = (error: Error) => {
            client.end(true);
            reject(error);
          };
          signal.addEventListener('abort', () => client.end(true), { once: true });
          client.on('error', () => undefined);
          client.once('error', fail);
          client.once('close', () => fail(new Error('connection closed before CONNACK')));
          client.once('connect', () => {
            client.removeListener('error', fail);
            client.removeAllListeners('close');
            resolve(client);
          });
        }),
      ping: (client) => client.unsubscribeAsync(MQTT_PING_TOPIC),
      destroy: (client) => void client.end(true),
      end: (client) => client.endAsync(),
      onLost: (client, lost) => {
        client.once('close', lost);
      },
    },
    timeouts,
    redactor,
  );
}

/**
 * A `DatabaseIndicator` (driver `'mqtt'`, messages `MQTT broker reachable` / `MQTT broker
 * unreachable: ...`) over `mqttPing`; its `onModuleDestroy()` disconnects.
 */
export function createMqttIndicator(
  url: string,
  options: MqttIndicatorOptions = {},
): DatabaseIndicator {
  const { name = 'mqtt', ...pingOptions } = options ?? {};
  const { ping, close } = mqttPing(url, pingOptions);
  return new DatabaseIndicator({ name, driver: 'mqtt', ping, close });
}

function passwordText(password: unknown): string | undefined {
  if (typeof password === 'string') return password;
  return Buffer.isBuffer(password) ? password.toString('utf8') : undefined;
}

const MQTT_PROTOCOLS = new Set(['mqtt:', 'mqtts:', 'tcp:', 'ssl:', 'tls:', 'ws:', 'wss:']);

function assertMqttUrl(url: string, redactor: Redactor): void {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw new Error('Invalid MQTT connection settings: Invalid URL');
  }
  if (!MQTT_PROTOCOLS.has(protocol)) {
    throw new Error(
      `Invalid MQTT connection settings: ${redactor.text(protocol)} is not mqtt:, mqtts:, ws: or wss:`,
    );
  }
}
