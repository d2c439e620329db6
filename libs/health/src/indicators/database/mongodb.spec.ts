import { execFileSync } from 'node:child_process';
import { HealthService } from '../../core/health.service';
import { HealthStatus } from '../../core/health-status';
import { createMongodbIndicator, mongodbPing } from '../../mongodb';
import { closedPort, rejection } from '../../../../../test/support/brokers';
import type { FakeMongod } from '../../../../../test/support/fake-mongod';
import { startFakeMongod } from '../../../../../test/support/fake-mongod';
import { describePingContract } from '../../../../../test/support/ping-contract';

/**
 * Debian has no MongoDB server package, so no real `mongod` runs here: the driver talks to a
 * stand-in that speaks the handshake and `ping` only (test/support/fake-mongod.ts). What needs
 * no server (refusals, black holes, aborts, settings, secrets) is the real driver's behaviour.
 */
const PASSWORD = 's3cr3t-pw';
const FAST = { connectTimeoutMs: 800 };

function onPort(port: number, password?: string): string {
  const auth = password === undefined ? '' : `app:${password}@`;
  return `mongodb://${auth}127.0.0.1:${port}/?directConnection=true`;
}

let fake: FakeMongod;
beforeAll(async () => {
  fake = await startFakeMongod();
});
afterAll(() => fake.close());

it('has no MongoDB server package on Debian to test against (hence the stand-in)', () => {
  const policy = execFileSync('apt-cache', ['policy', 'mongodb-server', 'mongodb-org-server'], {
    encoding: 'utf8',
  });
  expect(policy).not.toMatch(/Candidate: (?!\(none\))/);
});

describePingContract({
  label: 'MongoDB',
  component: 'database',
  // The ping's look, the monitor's connection and the pool's one.
  connectionsPerOpen: 3,
  // Closed on a frozen server, the driver keeps its sockets for about 3 x connectTimeoutMs.
  socketsCloseWithinMs: 6000,
  get target() {
    return { host: '127.0.0.1', port: fake.port };
  },
  ping: (port, options) => mongodbPing(onPort(port), { ...FAST, ...options }),
  indicator: (port, password, options) =>
    createMongodbIndicator(onPort(port, password), { ...FAST, ...options }),
});

describe('mongodbPing (the driver against the stand-in)', () => {
  const signal = () => new AbortController().signal;

  it('runs { ping: 1 } on each check', async () => {
    const before = fake.commands.filter((name) => name === 'ping').length;
    const { ping, close } = mongodbPing(fake.url);
    await ping(signal());
    await ping(signal());
    await close();
    expect(fake.commands.filter((name) => name === 'ping').length - before).toBe(2);
  });

  it('takes more MongoClient options, its own settings winning', async () => {
    const made = createMongodbIndicator(fake.url, {
      name: 'catalog_db',
      clientOptions: { maxPoolSize: 50, appName: 'shop' },
    });
    const health = new HealthService({ checks: [made], defaultTimeoutMs: 2000 });
    try {
      expect(await health.checkComponent('catalog_db')).toMatchObject({
        status: HealthStatus.HEALTHY,
        message: 'MongoDB reachable',
        metadata: { driver: 'mongodb' },
      });
    } finally {
      health.onModuleDestroy();
      await made.onModuleDestroy();
    }
  });

  it('never shows a password, given in the URL or in auth', async () => {
    const port = await closedPort();
    for (const pinger of [
      mongodbPing(onPort(port, PASSWORD), FAST),
      mongodbPing(onPort(port), {
        ...FAST,
        clientOptions: { auth: { username: 'app', password: PASSWORD } },
      }),
    ]) {
      const error = await rejection(pinger.ping(signal()));
      await pinger.close();
      expect(error.message).toContain(`ECONNREFUSED 127.0.0.1:${port}`);
      expect(error.message).not.toContain(PASSWORD);
    }
  });

  it('refuses bad settings at once, naming them, without quoting a password', () => {
    expect(() => mongodbPing(`mongodb://app:${PASSWORD}@127.0.0.1:27017/?bogusOption=1`)).toThrow(
      /^Invalid MongoDB connection settings: connection string contains unsupported options/,
    );
    expect(() => mongodbPing(`postgres://app:${PASSWORD}@127.0.0.1:5432`)).toThrow(
      /^Invalid MongoDB connection settings: Invalid scheme/,
    );
    const error = rejectionSync(() => mongodbPing(`mongodb://app:${PASSWORD}@host:port/`));
    expect(error.message).not.toContain(PASSWORD);
    expect(() => mongodbPing(3 as never)).toThrow(/mongodbPing url: 3/);
    expect(() => mongodbPing(fake.url, { pingTimeoutMs: 0 })).toThrow(
      /mongodbPing\.pingTimeoutMs: 0 \(expected a number of ms > 0\)/,
    );
  });
});

function rejectionSync(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}
