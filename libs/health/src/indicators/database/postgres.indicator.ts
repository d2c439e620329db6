import type { PoolConfig } from 'pg';
import { DatabaseIndicator } from './database.indicator';
import type { PostgresPingOptions } from './postgres.ping';
import { postgresPing } from './postgres.ping';

export interface PostgresIndicatorOptions extends PostgresPingOptions {
  /** Component name. Default `'database'`. */
  name?: string;
}

/**
 * A `DatabaseIndicator` for PostgreSQL (driver `'postgres'`) over its own one-connection pool;
 * its `onModuleDestroy()` ends the pool.
 */
export function createPostgresIndicator(
  config: string | PoolConfig,
  options: PostgresIndicatorOptions = {},
): DatabaseIndicator {
  const { name, ...pingOptions } = options;
  const { ping, close } = postgresPing(config, pingOptions);
  return new DatabaseIndicator({ name, driver: 'postgres', ping, close });
}
