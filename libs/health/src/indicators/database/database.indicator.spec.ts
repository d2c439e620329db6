import { HealthService } from '../../core/health.service';
import { HealthStatus } from '../../core/health-status';
import type { DatabaseIndicatorOptions } from './database.indicator';
import { DatabaseIndicator } from './database.indicator';

const signal = () => new AbortController().signal;
const ok = () => Promise.resolve();
const failWith = (error: unknown) => () => Promise.reject(error);

describe('DatabaseIndicator', () => {
  it('is HEALTHY when the ping resolves, with driver and measured ping time', async () => {
    const indicator = new DatabaseIndicator({
      driver: 'mysql',
      ping: () => new Promise((resolve) => setTimeout(resolve, 20)),
    });
    const result = await indicator.check(signal());
    expect(result).toEqual({
      status: HealthStatus.HEALTHY,
      message: 'MySQL reachable',
      metadata: { driver: 'mysql', ping_ms: expect.any(Number) },
    });
    expect(result.metadata?.ping_ms).toBeGreaterThanOrEqual(15);
  });

  it('defaults to the name "database" and driver "custom"', async () => {
    const indicator = new DatabaseIndicator({ ping: ok });
    expect(indicator.name).toBe('database');
    expect(indicator.driver).toBe('custom');
    await expect(indicator.check(signal())).resolves.toMatchObject({
      message: 'Database reachable',
      metadata: { driver: 'custom' },
    });
  });

  it('names an unknown driver as given', async () => {
    const indicator = new DatabaseIndicator({ name: 'events_db', driver: 'clickhouse', ping: ok });
    expect(indicator.name).toBe('events_db');
    await expect(indicator.check(signal())).resolves.toMatchObject({
      message: 'clickhouse reachable',
    });
  });

  it('hands the engine signal to the ping', async () => {
    const ping = jest.fn(ok);
    const given = signal();
    await new DatabaseIndicator({ ping }).check(given);
    expect(ping).toHaveBeenCalledWith(given);
  });

  it.each<[string, unknown, string]>([
    ['an Error', new Error('connect ECONNREFUSED 127.0.0.1:1'), 'connect ECONNREFUSED 127.0.0.1:1'],
    ['a string', 'server closed the connection', 'server closed the connection'],
    [
      'a dual-stack AggregateError without message',
      new AggregateError([
        new Error('connect ECONNREFUSED ::1:1'),
        new Error('connect ECONNREFUSED 127.0.0.1:1'),
      ]),
      'connect ECONNREFUSED ::1:1; connect ECONNREFUSED 127.0.0.1:1',
    ],
    ['an error with only a code', Object.assign(new Error(''), { code: 'ETIMEDOUT' }), 'ETIMEDOUT'],
    ['an error with only a name', new RangeError(''), 'RangeError'],
    ['an empty AggregateError', new AggregateError([]), 'AggregateError'],
    ['an empty string', '', 'threw an empty string'],
    ['a number', 42, 'threw number 42'],
    ['a plain object without fields', { name: '' }, 'threw an object'],
  ])('rethrows %s as a short error naming the driver', async (_kind, thrown, text) => {
    const indicator = new DatabaseIndicator({ driver: 'postgres', ping: failWith(thrown) });
    await expect(indicator.check(signal())).rejects.toThrow(
      new Error(`PostgreSQL unreachable: ${text}`),
    );
  });

  it('turns a ping that throws synchronously into the same error', async () => {
    const ping = (() => {
      throw new Error('not connected');
    }) as DatabaseIndicatorOptions['ping'];
    await expect(new DatabaseIndicator({ ping }).check(signal())).rejects.toThrow(
      'Database unreachable: not connected',
    );
  });

  it('masks a password quoted inside a connection URL', async () => {
    const indicator = new DatabaseIndicator({
      driver: 'mongodb',
      ping: failWith(new Error('bad uri mongodb://app:hunter22@db.internal:27017/app')),
    });
    await expect(indicator.check(signal())).rejects.toThrow(
      'MongoDB unreachable: bad uri mongodb://app:***@db.internal:27017/app',
    );
  });

  it('is reported UNHEALTHY and retried by the engine', async () => {
    const ping = jest.fn(failWith(new Error('connection refused')));
    const service = new HealthService({
      checks: [new DatabaseIndicator({ ping })],
      retryBaseDelayMs: 1,
    });
    try {
      await expect(service.checkComponent('database')).resolves.toMatchObject({
        status: HealthStatus.UNHEALTHY,
        message: 'database check failed: Database unreachable: connection refused',
      });
      expect(ping).toHaveBeenCalledTimes(2);
    } finally {
      service.onModuleDestroy();
    }
  });

  it('closes the driver on module destroy, and needs no close to be destroyed', async () => {
    const close = jest.fn(() => Promise.resolve());
    await new DatabaseIndicator({ ping: ok, close }).onModuleDestroy();
    expect(close).toHaveBeenCalledTimes(1);
    await expect(new DatabaseIndicator({ ping: ok }).onModuleDestroy()).resolves.toBeUndefined();
  });

  it.each<[string, unknown, RegExp]>([
    ['options', null, /DatabaseIndicator options: null \(expected an object\)/],
    ['ping', { ping: 'SELECT 1' }, /DatabaseIndicator\.ping: "SELECT 1" \(expected a function\)/],
    ['close', { ping: ok, close: true }, /DatabaseIndicator\.close: true \(expected a function\)/],
    ['name', { ping: ok, name: 'Main DB' }, /DatabaseIndicator\.name: "Main DB"/],
    ['driver', { ping: ok, driver: ' ' }, /DatabaseIndicator\.driver: " " \(expected a non-empty/],
  ])('refuses a bad %s, naming it and the value', (_option, options, message) => {
    expect(() => new DatabaseIndicator(options as DatabaseIndicatorOptions)).toThrow(message);
  });
});
