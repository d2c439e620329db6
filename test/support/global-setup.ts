import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { oneLineError, provideBinaries } from './binaries';
import { assertDatabaseAnswers, TEST_DATABASE_URL, testDatabase } from './postgres';
import { PostgresCluster } from './postgres-cluster';

/** The cluster the setup started, for the teardown (both run in Jest's main process). */
const STARTED = Symbol.for('nest-health.test-postgres');
type WithCluster = typeof globalThis & { [STARTED]?: PostgresCluster };

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
 *   `TEST_DATABASE_URL`; the global teardown stops it and deletes its folder.
 */
export default async function globalSetup(): Promise<void> {
  process.env.TZ = 'UTC';
  await provideBinaries();
  if (process.env.SKIP_BUILD !== '1') {
    const root = join(__dirname, '..', '..');
    execFileSync(process.execPath, [join(root, 'scripts/build.mjs'), '--if-stale'], {
      cwd: root,
      stdio: 'pipe',
    });
  }
  await provideTestPostgres();
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
