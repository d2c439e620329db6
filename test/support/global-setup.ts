import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { RequiredBinary } from './binaries';
import {
  oneLineError,
  PRIVATE_SERVER_BINARIES,
  provideBinaries,
  REQUIRED_BINARIES,
} from './binaries';
import { listening, TEST_SERVERS } from './brokers';
import { assertDatabaseAnswers, TEST_DATABASE_URL, testDatabase } from './postgres';
import { PostgresCluster } from './postgres-cluster';
import type { PrivateServer } from './private-servers';
import { startPrivateMariadb, startPrivateRabbitmq } from './private-servers';

/** The cluster the setup started, for the teardown (both run in Jest's main process). */
const STARTED = Symbol.for('nest-health.test-postgres');
type WithCluster = typeof globalThis & { [STARTED]?: PostgresCluster };
/** The MariaDB and RabbitMQ the setup started, for the teardown. */
const SERVERS = Symbol.for('nest-health.test-servers');
type WithServers = typeof globalThis & { [SERVERS]?: PrivateServer[] };

/**
 * Runs once in Jest's main process, before any test:
 * - a program the tests run that is missing (`redis-server`...) is installed with one announced
 *   `apt-get install -y` as root; elsewhere the run fails at once, in one line, naming them;
 * - workers inherit a fixed zone, so timestamps are deterministic;
 * - the package and the service are built once (`dist/libs/health`, linked as
 *   node_modules/@nest-health/core, and `dist/apps/api`); `SKIP_BUILD=1` skips the build when
 *   it was just done (CI builds in a step of its own);
 * - PostgreSQL: `TEST_DATABASE_URL` when set (checked to answer), else a throwaway cluster of
 *   the run's own (test/support/postgres-cluster.ts), whose URL the workers inherit in
 *   `TEST_DATABASE_URL`; the global teardown stops it and deletes its folder;
 * - MariaDB and RabbitMQ (the mysql and amqp indicators' tests): `TEST_MYSQL_URL` /
 *   `TEST_AMQP_URL` when set, else the machine's when it answers on its standard port, else a
 *   server of the run's own (test/support/private-servers.ts) whose URL the workers inherit.
 */
export default async function globalSetup(): Promise<void> {
  process.env.TZ = 'UTC';
  const own = await serversToStart();
  const binaries: RequiredBinary[] = [...REQUIRED_BINARIES];
  for (const kind of own) binaries.push(...PRIVATE_SERVER_BINARIES[kind]);
  await provideBinaries(binaries);
  if (process.env.SKIP_BUILD !== '1') {
    const root = join(__dirname, '..', '..');
    execFileSync(process.execPath, [join(root, 'scripts/build.mjs'), '--if-stale'], {
      cwd: root,
      stdio: 'pipe',
    });
  }
  await provideTestPostgres();
  await provideTestServers(own);
}

async function provideTestPostgres(): Promise<void> {
  try {
    if (process.env[TEST_DATABASE_URL]) {
      await assertDatabaseAnswers(testDatabase());
      return;
    }
    const cluster = await PostgresCluster.start();
    (globalThis as WithCluster)[STARTED] = cluster;
    process.env[TEST_DATABASE_URL] = cluster.url;
  } catch (error) {
    throw oneLineError((error as Error).message);
  }
}

/** Stops the cluster the setup started, if it did (called by the global teardown). */
export async function stopTestPostgres(): Promise<void> {
  const cluster = (globalThis as WithCluster)[STARTED];
  if (!cluster) return;
  delete (globalThis as WithCluster)[STARTED];
  delete process.env[TEST_DATABASE_URL]; // a watch-mode rerun starts a new one
  await cluster.stop();
}

type OwnServerKind = keyof typeof PRIVATE_SERVER_BINARIES;

/** MariaDB and RabbitMQ when neither their `TEST_*_URL` nor the machine's server answers. */
async function serversToStart(): Promise<OwnServerKind[]> {
  const kinds: OwnServerKind[] = [];
  for (const kind of ['mysql', 'amqp'] as const) {
    const { variable, url } = TEST_SERVERS[kind];
    if (!process.env[variable] && !(await listening(url))) kinds.push(kind);
  }
  return kinds;
}

async function provideTestServers(kinds: readonly OwnServerKind[]): Promise<void> {
  const starters = { mysql: startPrivateMariadb, amqp: startPrivateRabbitmq } as const;
  const started: PrivateServer[] = ((globalThis as WithServers)[SERVERS] ??= []);
  for (const kind of kinds) {
    const { variable, url } = TEST_SERVERS[kind];
    try {
      const server = await starters[kind]();
      started.push(server);
      process.env[variable] = server.url;
    } catch (error) {
      await stopTestServers(); // Jest runs no teardown after a setup that failed
      throw oneLineError(
        `No ${kind === 'mysql' ? 'MariaDB' : 'RabbitMQ'} answers at ${url} and one of the run's ` +
          `own did not start (${(error as Error).message.split('\n')[0]}): install ` +
          `${TEST_SERVERS[kind].install} or set ${variable}`,
      );
    }
  }
}

/** Stops the MariaDB and RabbitMQ the setup started, if it did (called by the teardown). */
export async function stopTestServers(): Promise<void> {
  const started = (globalThis as WithServers)[SERVERS] ?? [];
  delete (globalThis as WithServers)[SERVERS];
  for (const kind of ['mysql', 'amqp'] as const) {
    const { variable } = TEST_SERVERS[kind];
    if (started.some((server) => server.url === process.env[variable]))
      delete process.env[variable];
  }
  await Promise.all(started.map((server) => server.stop()));
}
