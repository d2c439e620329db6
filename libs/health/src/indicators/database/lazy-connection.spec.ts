import { Redactor } from '../../shared/redact';
import type { ConnectionDriver } from './lazy-connection';
import { CONNECTION_PING_DEFAULTS, connectionPing } from './lazy-connection';

/**
 * What no real server shows on demand: a client library that throws at once, or whose polite
 * close fails. Everything else of connectionPing is run against real servers (ping-contract).
 */
describe('connectionPing with a client that misbehaves', () => {
  const signal = () => new AbortController().signal;
  const events: string[] = [];
  const driver = (overrides: Partial<ConnectionDriver<string>>): ConnectionDriver<string> => ({
    open: async () => 'connection',
    ping: async () => undefined,
    destroy: (c) => void events.push(`destroy ${c}`),
    end: async (c) => void events.push(`end ${c}`),
    onLost: () => undefined,
    ...overrides,
  });

  beforeEach(() => events.splice(0));

  it('turns a client that throws at once into a rejected ping, masking the password', async () => {
    const failing = driver({
      open: () => {
        throw new Error('bad option in amqp://app:hunter22@broker:5672');
      },
    });
    const { ping, close } = connectionPing(failing, CONNECTION_PING_DEFAULTS, new Redactor());
    await expect(ping(signal())).rejects.toThrow('bad option in amqp://app:***@broker:5672');
    await expect(ping(signal())).rejects.toThrow('bad option'); // and again: nothing stuck
    await close();
  });

  it('destroys a connection whose polite close fails', async () => {
    const refusing = driver({ end: async () => Promise.reject(new Error('no')) });
    const { ping, close } = connectionPing(refusing, CONNECTION_PING_DEFAULTS, new Redactor());
    await ping(signal());
    await close();
    expect(events).toEqual(['destroy connection']);
  });

  it('destroys a connection that opens after its ping gave up on it', async () => {
    let opened!: (c: string) => void;
    const slow = driver({ open: () => new Promise((resolve) => (opened = resolve)) });
    const { ping, close } = connectionPing(slow, CONNECTION_PING_DEFAULTS, new Redactor());
    const controller = new AbortController();
    const pending = ping(controller.signal);
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort(new Error('gave up'));
    await expect(pending).rejects.toThrow('gave up');
    opened('late');
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).toEqual(['destroy late']);
    await close();
  });
});
