import fc from 'fast-check';
import { Redactor } from '../../shared/redact';
import { serverAddress } from '../brokers/nats.indicator';
import { createNatsIndicator, natsPing } from '../../nats';
import { createMongodbIndicator } from '../../mongodb';
import { resolveConnectionTimeouts, secretsOf } from './lazy-connection';
import { plainSingleHost } from './mongodb.ping';

const hostname = fc.oneof(
  fc.domain(),
  fc.ipV4(),
  fc.constantFrom('localhost', 'db', 'mongo-0.mongo.svc'),
);
const port = fc.integer({ min: 1, max: 65535 });
const password = fc.string({ minLength: 1, maxLength: 40 });

describe('the connection settings read from outside input', () => {
  it('masks a URL password wherever the URL or the password appears in a message', () => {
    fc.assert(
      fc.property(hostname, port, password, (host, p, pw) => {
        const url = `amqp://app:${encodeURIComponent(pw)}@${host}:${p}/vhost`;
        const redactor = new Redactor(secretsOf(url));
        const text = redactor.text(`connect to ${url} failed; retry with ${url.slice(0, -6)}`);
        return !text.includes(`:${encodeURIComponent(pw)}@`) && !text.includes(url);
      }),
    );
    expect(secretsOf('not a url', 'hunter22')).toEqual(['not a url', 'hunter22']);
    expect(secretsOf(undefined)).toEqual([]);
  });

  it('finds host and port in any NATS server address, with or without scheme and credentials', () => {
    fc.assert(
      fc.property(
        hostname,
        fc.option(port, { nil: undefined }),
        fc.boolean(),
        (host, p, scheme) => {
          const address = `${scheme ? 'nats://u:pw@' : ''}${host}${p === undefined ? '' : `:${p}`}`;
          const found = serverAddress(address);
          return found.host === host.toLowerCase() && found.port === (p ?? 4222);
        },
      ),
    );
    expect(serverAddress('tls://[::1]:4443')).toEqual({ host: '::1', port: 4443 });
    expect(() => serverAddress('nats://a:b@host:99999')).toThrow(
      'Invalid NATS connection settings: Invalid URL',
    );
  });

  it('looks at a MongoDB server first only on a plain URL naming one host', () => {
    fc.assert(
      fc.property(hostname, fc.option(port, { nil: undefined }), password, (host, p, pw) => {
        const at = `${host}${p === undefined ? '' : `:${p}`}`;
        const url = `mongodb://app:${encodeURIComponent(pw)}@${at}/shop?authSource=admin`;
        const found = plainSingleHost(url, {});
        return (
          found?.host === host &&
          found.port === (p ?? 27017) &&
          plainSingleHost(`${url}&tls=true`, {}) === undefined &&
          plainSingleHost(url, { tls: true }) === undefined &&
          plainSingleHost(`mongodb://${at},other:27017/shop`, {}) === undefined &&
          plainSingleHost(`mongodb+srv://${host}/shop`, {}) === undefined
        );
      }),
    );
    expect(plainSingleHost('mongodb://[::1]:27018', {})).toEqual({ host: '::1', port: 27018 });
    expect(plainSingleHost('mongodb://[::1]', { ssl: true })).toBeUndefined();
  });

  it('refuses timeouts that are not a number of ms between 1 and 2^31 - 1', () => {
    for (const bad of [0, -5, Number.NaN, Infinity, 2 ** 31, '100']) {
      expect(() => resolveConnectionTimeouts({ pingTimeoutMs: bad as never }, 'somePing')).toThrow(
        /Invalid setting somePing\.pingTimeoutMs: .* \(expected a number of ms > 0\)/,
      );
    }
    expect(resolveConnectionTimeouts({ connectTimeoutMs: 1 }, 'somePing')).toEqual({
      connectTimeoutMs: 1,
      pingTimeoutMs: 5000,
      idleTimeoutMs: 30_000,
    });
  });

  it('takes nats options with a TLS-first server (no look before the client) and a name', async () => {
    const made = createNatsIndicator(
      { servers: ['127.0.0.1:4222'], tls: { handshakeFirst: true }, name: 'orders' },
      { name: 'bus' },
    );
    expect([made.name, made.driver]).toEqual(['bus', 'nats']);
    await made.onModuleDestroy();
    expect(() => natsPing(null as never)).toThrow(/natsPing config: null/);
    const mongo = createMongodbIndicator('mongodb://127.0.0.1:27017', undefined);
    expect([mongo.name, mongo.driver]).toEqual(['database', 'mongodb']);
    await mongo.onModuleDestroy();
  });
});
