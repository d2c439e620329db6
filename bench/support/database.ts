import { Client } from 'pg';
import { PostgresCluster } from '../../test/support/postgres-cluster';

/**
 * A PostgreSQL server for the `database` check: `BENCH_DATABASE_URL`, else `TEST_DATABASE_URL`,
 * else the machine's (postgres://postgres@127.0.0.1:5432/test), when it answers `SELECT 1`;
 * otherwise a throwaway cluster of the benchmark's own (test/support/postgres-cluster.ts).
 * The benchmark only ever runs `SELECT 1` on it.
 */
export interface BenchDatabase {
  url: string;
  /** Where it came from, for the report (never the URL: it may hold a password). */
  origin: string;
  stop(): Promise<void>;
}

const MACHINE_URL = 'postgres://postgres@127.0.0.1:5432/test';

async function answers(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function benchDatabase(): Promise<BenchDatabase> {
  const candidates: [string, string | undefined][] = [
    ['BENCH_DATABASE_URL', process.env.BENCH_DATABASE_URL],
    ['TEST_DATABASE_URL', process.env.TEST_DATABASE_URL],
    ["the machine's PostgreSQL on 127.0.0.1:5432", MACHINE_URL],
  ];
  for (const [origin, url] of candidates) {
    if (url && (await answers(url))) return { url, origin, stop: async () => undefined };
  }
  const cluster = await PostgresCluster.start();
  return {
    url: cluster.url,
    origin: 'a throwaway cluster started by the benchmark',
    stop: () => cluster.stop(),
  };
}
