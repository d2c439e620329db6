import { setTimeout as sleep } from 'node:timers/promises';
import { HealthService } from '../../core/health.service';
import { HealthStatus } from '../../core/health-status';
import type { DatabaseIndicator } from './database.indicator';
import type { DriverPing } from './lazy-connection';
import { CONNECTION_PING_DEFAULTS } from './lazy-connection';
import { createMysqlIndicator, mysqlPing } from '../../mysql';
import { eventually } from '../../../../../test/support/eventually';
import type { TcpFixture } from '../../../../../test/support/brokers';
import {
  assertServerListens,
  closedPort,
  freezableProxy,
  hostPort,
  readingBlackHole,
  rejection,
  testServerUrl,
} from '../../../../../test/support/brokers';

/** Connections are counted as they open and close: asked every 10 ms, for up to 3 s. */
const POLL = { timeoutMs: 3000, intervalMs: 10 };
/** The real MariaDB / MySQL: TEST_MYSQL_URL, or the machine's (root, no password, db `test`). */
const MYSQL_URL = testServerUrl('mysql');
const TARGET = hostPort(MYSQL_URL);
const PASSWORD = 's3cr3t-pw';

/** The server's URL with another port (a proxy or a black hole in front of it). */
function onPort(port: number): string {
  const url = new URL(MYSQL_URL);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return url.toString();
}

beforeAll(() => assertServerListens('mysql'));

describe('mysqlPing (real MariaDB)', () => {
  let pinger: DriverPing | undefined;
  let fixture: TcpFixture | undefined;
  const make = (...args: Parameters<typeof mysqlPing>) => (pinger = mysqlPing(...args));
  const signal = () => new AbortController().signal;

  afterEach(async () => {
    await pinger?.close();
    await fixture?.close();
    pinger = fixture = undefined;
  });

  it('answers COM_PING and reuses its one connection', async () => {
    fixture = await freezableProxy(TARGET);
    const { ping } = make(onPort(fixture.port));
    await expect(ping(signal())).resolves.toBeUndefined();
    await expect(ping(signal())).resolves.toBeUndefined();
    expect(fixture.accepted).toBe(1);
  });

  it('takes mysql2 connection options as well as a URL', async () => {
    const { ping } = make({ host: TARGET.host, port: TARGET.port, user: 'root' });
    await expect(ping(signal())).resolves.toBeUndefined();
  });

  it('rejects at once on a closed port, saying so', async () => {
    const port = await closedPort();
    const { ping } = make(`mysql://root@127.0.0.1:${port}/test`);
    await expect(ping(signal())).rejects.toThrow(`connect ECONNREFUSED 127.0.0.1:${port}`);
  });

  it('reports wrong credentials as the server words them, without the password', async () => {
    const { ping } = make(onPort(TARGET.port).replace('root@', `nobody_here:${PASSWORD}@`));
    const error = await rejection(ping(signal()));
    expect(error.message).toMatch(/^Access denied for user 'nobody_here'@/);
    expect(error.message).not.toContain(PASSWORD);
  });

  it('on abort while connecting to a black hole, rejects with the reason and closes the socket', async () => {
    const hole = (fixture = await readingBlackHole());
    const { ping } = make(onPort(hole.port), { connectTimeoutMs: 60_000 });
    const controller = new AbortController();
    const pending = ping(controller.signal);
    await eventually(() => hole.open === 1, POLL);
    controller.abort(new Error('stop now'));
    await expect(pending).rejects.toThrow('stop now');
    await eventually(() => hole.open === 0, POLL);
  });

  it('on abort while a ping hangs, destroys the connection and reconnects next time', async () => {
    const proxy = (fixture = await freezableProxy(TARGET));
    const { ping } = make(onPort(proxy.port), { pingTimeoutMs: 60_000 });
    await ping(signal());
    proxy.freeze(true);
    const controller = new AbortController();
    const pending = ping(controller.signal);
    await sleep(50);
    controller.abort(new Error('too slow'));
    await expect(pending).rejects.toThrow('too slow');
    await eventually(() => proxy.open === 0, POLL);
    proxy.freeze(false);
    await expect(ping(signal())).resolves.toBeUndefined();
    expect(proxy.accepted).toBe(2);
  });

  it('survives the server dropping its connection, and reconnects', async () => {
    const proxy = (fixture = await freezableProxy(TARGET));
    const { ping } = make(onPort(proxy.port));
    await ping(signal());
    proxy.drop();
    await eventually(() => proxy.open === 0, POLL);
    await sleep(20);
    await expect(ping(signal())).resolves.toBeUndefined();
    expect(proxy.accepted).toBe(2);
  });

  it('bounds a hung ping by pingTimeoutMs and a black hole by connectTimeoutMs', async () => {
    const proxy = (fixture = await freezableProxy(TARGET));
    const { ping } = make(onPort(proxy.port), { pingTimeoutMs: 100, connectTimeoutMs: 150 });
    await ping(signal());
    proxy.freeze(true);
    await expect(ping(signal())).rejects.toThrow('ping timed out after 100 ms');
    await eventually(() => proxy.open === 0, POLL);
    await expect(ping(signal())).rejects.toThrow(/connect timed out after 150 ms|ETIMEDOUT/);
    await eventually(() => proxy.open === 0, POLL);
  });

  it('closes its connection after idleTimeoutMs, and opens a new one for the next ping', async () => {
    const proxy = (fixture = await freezableProxy(TARGET));
    const { ping } = make(onPort(proxy.port), { idleTimeoutMs: 50 });
    await ping(signal());
    await eventually(() => proxy.open === 0, POLL);
    await expect(ping(signal())).resolves.toBeUndefined();
    expect(proxy.accepted).toBe(2);
  });

  it('does not connect when the signal is already aborted', async () => {
    const hole = (fixture = await readingBlackHole());
    const { ping } = make(onPort(hole.port));
    const controller = new AbortController();
    controller.abort(new Error('already gone'));
    await expect(ping(controller.signal)).rejects.toThrow('already gone');
    expect(hole.accepted).toBe(0);
  });

  it('close() cuts off a ping in flight, is idempotent, and later pings fail clearly', async () => {
    const hole = (fixture = await readingBlackHole());
    const { ping, close } = make(onPort(hole.port), { connectTimeoutMs: 60_000 });
    const pending = ping(signal());
    await eventually(() => hole.open === 1, POLL);
    const closing = close();
    expect(close()).toBe(closing);
    await closing;
    await expect(pending).rejects.toThrow('the ping was closed');
    await eventually(() => hole.open === 0, POLL);
    await expect(ping(signal())).rejects.toThrow('the ping was closed');
  });

  it('close() ends an idle connection politely', async () => {
    const proxy = (fixture = await freezableProxy(TARGET));
    const { ping, close } = make(onPort(proxy.port));
    await ping(signal());
    await close();
    await eventually(() => proxy.open === 0, POLL);
  });

  it('refuses an unparsable URL at once, without quoting it', () => {
    let error: Error | undefined;
    try {
      mysqlPing(`mysql://root:${PASSWORD}@127.0.0.1:99999/test`);
    } catch (thrown) {
      error = thrown as Error;
    }
    expect(error?.message).toBe('Invalid MySQL connection settings: Invalid URL');
  });

  it('validates its options, naming the bad one', () => {
    expect(CONNECTION_PING_DEFAULTS).toEqual({
      connectTimeoutMs: 5000,
      pingTimeoutMs: 5000,
      idleTimeoutMs: 30_000,
    });
    expect(() => mysqlPing(MYSQL_URL, { pingTimeoutMs: 0 })).toThrow(
      /mysqlPing\.pingTimeoutMs: 0 \(expected a number of ms > 0\)/,
    );
    expect(() => mysqlPing(MYSQL_URL, { idleTimeoutMs: Number.NaN })).toThrow(
      /mysqlPing\.idleTimeoutMs: NaN/,
    );
    expect(() => mysqlPing(MYSQL_URL, null as never)).toThrow(/mysqlPing options: null/);
    expect(() => mysqlPing(42 as never)).toThrow(/mysqlPing config: 42/);
    expect(() => createMysqlIndicator(MYSQL_URL, { driver: 'oracle' as never })).toThrow(
      /createMysqlIndicator\.driver: "oracle" \(expected 'mysql' or 'mariadb'\)/,
    );
  });
});

describe('createMysqlIndicator through HealthService (real MariaDB)', () => {
  let service: HealthService | undefined;
  let indicator: DatabaseIndicator | undefined;
  let fixture: TcpFixture | undefined;
  const serve = (made: DatabaseIndicator, defaultTimeoutMs = 2000) => {
    indicator = made;
    service = new HealthService({ checks: [made], defaultTimeoutMs });
    return service;
  };

  afterEach(async () => {
    service?.onModuleDestroy();
    await indicator?.onModuleDestroy();
    await fixture?.close();
    service = indicator = fixture = undefined;
  });

  it('reports a running server HEALTHY with driver and ping time', async () => {
    const status = await serve(createMysqlIndicator(MYSQL_URL)).checkComponent('database');
    expect(status).toMatchObject({
      name: 'database',
      status: HealthStatus.HEALTHY,
      message: 'MySQL reachable',
      metadata: { driver: 'mysql', ping_ms: expect.any(Number) },
    });
  });

  it('names MariaDB when told, under a name of its own', async () => {
    const made = createMysqlIndicator(MYSQL_URL, { name: 'orders_db', driver: 'mariadb' });
    const status = await serve(made).checkComponent('orders_db');
    expect(status).toMatchObject({
      status: HealthStatus.HEALTHY,
      message: 'MariaDB reachable',
      metadata: { driver: 'mariadb' },
    });
  });

  it('reports a closed port UNHEALTHY after the engine retried', async () => {
    const port = await closedPort();
    const made = createMysqlIndicator(`mysql://root:${PASSWORD}@127.0.0.1:${port}/test`);
    const status = await serve(made).checkComponent('database');
    expect(status).toMatchObject({
      status: HealthStatus.UNHEALTHY,
      message: `database check failed: MySQL unreachable: connect ECONNREFUSED 127.0.0.1:${port}`,
      metadata: { attempts: 2 },
    });
    expect(JSON.stringify(status)).not.toContain(PASSWORD);
  });

  it('reports a black hole DEGRADED on timeout and leaves no socket open, check after check', async () => {
    const hole = (fixture = await readingBlackHole());
    const made = createMysqlIndicator(onPort(hole.port), { connectTimeoutMs: 60_000 });
    const health = serve(made, 300);
    for (let round = 1; round <= 3; round++) {
      const status = await health.checkComponent('database');
      expect(status).toMatchObject({
        status: HealthStatus.DEGRADED,
        message: 'database timed out after 300 ms',
      });
      await eventually(() => hole.open === 0, POLL);
      expect(hole.accepted).toBe(round);
    }
  });

  it('closes its connection on module destroy', async () => {
    const made = createMysqlIndicator(MYSQL_URL);
    await serve(made).checkComponent('database');
    await made.onModuleDestroy();
    await expect(made.check(new AbortController().signal)).rejects.toThrow(
      'MySQL unreachable: the ping was closed',
    );
  });
});
