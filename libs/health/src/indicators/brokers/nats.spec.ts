import { createNatsIndicator, natsPing } from '../../nats';
import type { ProvidedServer } from '../../../../../test/support/brokers';
import {
  hostPort,
  PrivateBroker,
  rejection,
  provideServer,
  urlOnPort,
} from '../../../../../test/support/brokers';
import {
  describePingContract,
  describePrivateBrokerFaults,
} from '../../../../../test/support/ping-contract';

/**
 * The real server: TEST_NATS_URL, or the machine's, or (without either) one the spec starts.
 */
let server: ProvidedServer;
const NATS_URL = () => server.url;
const PASSWORD = 's3cr3t-pw';

/** The server's URL on another port (a proxy or a black hole), with a password if given. */
const onPort = (port: number, password?: string) => urlOnPort(NATS_URL(), port, password);

beforeAll(async () => {
  server = await provideServer('nats');
});
afterAll(() => server.stop());

describePingContract({
  label: 'NATS',
  component: 'nats',
  connectionsPerOpen: 2,
  get target() {
    return hostPort(NATS_URL());
  },
  ping: (port, options) => natsPing(onPort(port), options),
  indicator: (port, password, options) => createNatsIndicator(onPort(port, password), options),
});

describe('natsPing (a nats-server of the test’s own)', () => {
  const signal = () => new AbortController().signal;
  let broker: PrivateBroker | undefined;

  afterEach(async () => {
    await broker?.stop();
    broker = undefined;
  });

  it('reports wrong credentials as the server words them, without the password', async () => {
    broker = await PrivateBroker.start('nats', { user: 'app', pass: 'right-password' });
    const wrong = natsPing({ servers: broker.url, user: 'app', pass: PASSWORD });
    const error = await rejection(wrong.ping(signal()));
    await wrong.close();
    expect(error.message).toBe("'Authorization Violation'");
    expect(error.message).not.toContain(PASSWORD);
    const right = natsPing({ servers: broker.url, user: 'app', pass: 'right-password' });
    await expect(right.ping(signal())).resolves.toBeUndefined();
    await right.close();
  });
});

describe('natsPing settings', () => {
  it('names a custom component', async () => {
    const made = createNatsIndicator(NATS_URL(), { name: 'events_bus' });
    expect([made.name, made.driver]).toEqual(['events_bus', 'nats']);
    await made.onModuleDestroy();
  });

  it('refuses bad settings at once, naming them, without quoting a password', () => {
    expect(() => natsPing(`nats://app:${PASSWORD}@127.0.0.1:99999`)).toThrow(
      'Invalid NATS connection settings: Invalid URL',
    );
    expect(() => natsPing(7 as never)).toThrow(/natsPing config: 7/);
    expect(() => natsPing(NATS_URL(), { pingTimeoutMs: Infinity })).toThrow(
      /natsPing\.pingTimeoutMs: Infinity \(expected a number of ms > 0\)/,
    );
  });
});

describePrivateBrokerFaults('nats', 'NATS', (url) => createNatsIndicator(url));
