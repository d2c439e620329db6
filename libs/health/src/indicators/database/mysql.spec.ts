import { HealthService } from '../../core/health.service';
import { HealthStatus } from '../../core/health-status';
import { CONNECTION_PING_DEFAULTS } from './lazy-connection';
import { createMysqlIndicator, mysqlPing } from '../../mysql';
import {
  assertServerListens,
  hostPort,
  rejection,
  testServerUrl,
  urlOnPort,
} from '../../../../../test/support/brokers';
import { describePingContract } from '../../../../../test/support/ping-contract';

/** The real MariaDB / MySQL: TEST_MYSQL_URL, or the machine's (root, no password, db `test`). */
const MYSQL_URL = testServerUrl('mysql');
const TARGET = hostPort(MYSQL_URL);
const PASSWORD = 's3cr3t-pw';

/** The server's URL on another port (a proxy or a black hole), with a password if given. */
const onPort = (port: number, password?: string) => urlOnPort(MYSQL_URL, port, password);

beforeAll(() => assertServerListens('mysql'));

describePingContract({
  label: 'MySQL',
  component: 'database',
  target: TARGET,
  ping: (port, options) => mysqlPing(onPort(port), options),
  indicator: (port, password, options) => createMysqlIndicator(onPort(port, password), options),
});

describe('mysqlPing (MySQL / MariaDB specifics)', () => {
  const signal = () => new AbortController().signal;

  it('takes mysql2 connection options as well as a URL', async () => {
    const { ping, close } = mysqlPing({ host: TARGET.host, port: TARGET.port, user: 'root' });
    await expect(ping(signal())).resolves.toBeUndefined();
    await close();
  });

  it('reports wrong credentials as the server words them, without the password', async () => {
    const url = onPort(TARGET.port).replace(/\/\/[^@]*@/, `//nobody_here:${PASSWORD}@`);
    const { ping, close } = mysqlPing(url);
    const error = await rejection(ping(signal()));
    await close();
    expect(error.message).toMatch(/^Access denied for user 'nobody_here'@/);
    expect(error.message).not.toContain(PASSWORD);
  });

  it('names MariaDB when told, under a name of its own', async () => {
    const made = createMysqlIndicator(MYSQL_URL, { name: 'orders_db', driver: 'mariadb' });
    const health = new HealthService({ checks: [made], defaultTimeoutMs: 2000 });
    try {
      expect(await health.checkComponent('orders_db')).toMatchObject({
        status: HealthStatus.HEALTHY,
        message: 'MariaDB reachable',
        metadata: { driver: 'mariadb' },
      });
    } finally {
      health.onModuleDestroy();
      await made.onModuleDestroy();
    }
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
