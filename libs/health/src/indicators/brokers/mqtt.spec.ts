import { createMqttIndicator, mqttPing } from '../../mqtt';
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
 * The real server: TEST_MQTT_URL, or the machine's, or (without either) one the spec starts.
 */
let server: ProvidedServer;
const MQTT_URL = () => server.url;
const PASSWORD = 's3cr3t-pw';

/** The server's URL on another port (a proxy or a black hole), with a password if given. */
const onPort = (port: number, password?: string) => urlOnPort(MQTT_URL(), port, password);

beforeAll(async () => {
  server = await provideServer('mqtt');
});
afterAll(() => server.stop());

describePingContract({
  label: 'MQTT broker',
  component: 'mqtt',
  get target() {
    return hostPort(MQTT_URL());
  },
  ping: (port, options) => mqttPing(onPort(port), options),
  indicator: (port, password, options) => createMqttIndicator(onPort(port, password), options),
});

describe('mqttPing (a mosquitto of the test’s own)', () => {
  const signal = () => new AbortController().signal;
  let broker: PrivateBroker | undefined;

  afterEach(async () => {
    await broker?.stop();
    broker = undefined;
  });

  it('reports refused credentials as the broker words them, without the password', async () => {
    broker = await PrivateBroker.start('mqtt', { user: 'app', pass: 'unused' });
    const inUrl = mqttPing(onPort(broker.port, PASSWORD));
    const inOptions = mqttPing(broker.url, {
      clientOptions: { username: 'app', password: PASSWORD },
    });
    for (const { ping, close } of [inUrl, inOptions]) {
      const error = await rejection(ping(signal()));
      await close();
      expect(error.message).toBe('Connection refused: Not authorized');
      expect(error.message).not.toContain(PASSWORD);
    }
  });
});

describe('mqttPing settings', () => {
  it('names a custom component', async () => {
    const made = createMqttIndicator(MQTT_URL(), { name: 'telemetry' });
    expect([made.name, made.driver]).toEqual(['telemetry', 'mqtt']);
    await made.onModuleDestroy();
  });

  it('refuses bad settings at once, naming them, without quoting a password', () => {
    expect(() => mqttPing(`mqtt://app:${PASSWORD}@127.0.0.1:99999`)).toThrow(
      'Invalid MQTT connection settings: Invalid URL',
    );
    expect(() => mqttPing(`http://app:${PASSWORD}@127.0.0.1:1883`)).toThrow(
      'Invalid MQTT connection settings: http: is not mqtt:, mqtts:, ws: or wss:',
    );
    expect(() => mqttPing(undefined as never)).toThrow(/mqttPing url: undefined/);
    expect(() => mqttPing(MQTT_URL(), { idleTimeoutMs: 0 })).toThrow(
      /mqttPing\.idleTimeoutMs: 0 \(expected a number of ms > 0\)/,
    );
  });
});

describePrivateBrokerFaults('mqtt', 'MQTT broker', (url) => createMqttIndicator(url));
