import { amqpPing, createAmqpIndicator } from '../../amqp';
import {
  assertServerListens,
  closedPort,
  hostPort,
  rejection,
  testServerUrl,
  urlOnPort,
} from '../../../../../test/support/brokers';
import { describePingContract } from '../../../../../test/support/ping-contract';

/** The real RabbitMQ: TEST_AMQP_URL, or the machine's (guest/guest). */
const AMQP_URL = testServerUrl('amqp');
const PASSWORD = 's3cr3t-pw';

/** The server's URL on another port (a proxy or a black hole), with a password if given. */
const onPort = (port: number, password?: string) => urlOnPort(AMQP_URL, port, password);

beforeAll(() => assertServerListens('amqp'));

describePingContract({
  label: 'RabbitMQ',
  component: 'rabbitmq',
  target: hostPort(AMQP_URL),
  ping: (port, options) => amqpPing(onPort(port), options),
  indicator: (port, password, options) => createAmqpIndicator(onPort(port, password), options),
});

describe('amqpPing (RabbitMQ specifics)', () => {
  const signal = () => new AbortController().signal;

  it('reports wrong credentials as the broker words them, without the password', async () => {
    const { ping, close } = amqpPing(onPort(hostPort(AMQP_URL).port, PASSWORD));
    const error = await rejection(ping(signal()));
    await close();
    expect(error.message).toMatch(/403 \(ACCESS-REFUSED\)/);
    expect(error.message).not.toContain(PASSWORD);
  });

  it('takes amqplib connect options as well as a URL', async () => {
    const { host, port } = hostPort(AMQP_URL);
    const url = new URL(AMQP_URL);
    const ok = amqpPing({
      hostname: host,
      port,
      username: decodeURIComponent(url.username) || 'guest',
      password: decodeURIComponent(url.password) || 'guest',
    });
    await expect(ok.ping(signal())).resolves.toBeUndefined();
    await ok.close();
    const refused = await closedPort();
    const bad = amqpPing({ hostname: '127.0.0.1', port: refused, password: PASSWORD });
    const error = await rejection(bad.ping(signal()));
    await bad.close();
    expect(error.message).toBe(`connect ECONNREFUSED 127.0.0.1:${refused}`);
  });

  it('names a custom component', async () => {
    const made = createAmqpIndicator(AMQP_URL, { name: 'events_bus' });
    expect([made.name, made.driver]).toEqual(['events_bus', 'rabbitmq']);
    await made.onModuleDestroy();
  });

  it('refuses a bad URL or options at once, naming them, without quoting a password', () => {
    expect(() => amqpPing(`amqp://guest:${PASSWORD}@127.0.0.1:99999`)).toThrow(
      'Invalid AMQP connection settings: Invalid URL',
    );
    expect(() => amqpPing(`http://guest:${PASSWORD}@127.0.0.1:5672`)).toThrow(
      'Invalid AMQP connection settings: http: is not amqp: or amqps:',
    );
    expect(() => amqpPing(null as never)).toThrow(/amqpPing url: null/);
    expect(() => amqpPing(AMQP_URL, { connectTimeoutMs: -1 })).toThrow(
      /amqpPing\.connectTimeoutMs: -1 \(expected a number of ms > 0\)/,
    );
  });
});
