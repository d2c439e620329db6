import type { ConnectionOptions } from 'mysql2';
import { HealthConfigurationError } from '../../shared/errors';
import { DatabaseIndicator } from './database.indicator';
import type { ConnectionPingOptions } from './lazy-connection';
import { mysqlPing } from './mysql.ping';

export interface MysqlIndicatorOptions extends ConnectionPingOptions {
  /** Component name. Default `'database'`. */
  name?: string;
  /** Shown in metadata and messages: `'mysql'` (MySQL, the default) or `'mariadb'` (MariaDB). */
  driver?: 'mysql' | 'mariadb';
}

/**
 * A `DatabaseIndicator` for MySQL or MariaDB over its own `mysql2` connection; its
 * `onModuleDestroy()` closes the connection.
 */
export function createMysqlIndicator(
  config: string | ConnectionOptions,
  options: MysqlIndicatorOptions = {},
): DatabaseIndicator {
  const { name, driver = 'mysql', ...pingOptions } = options ?? {};
  if (driver !== 'mysql' && driver !== 'mariadb') {
    throw new HealthConfigurationError(
      'createMysqlIndicator.driver',
      driver,
      "'mysql' or 'mariadb'",
    );
  }
  const { ping, close } = mysqlPing(config, pingOptions);
  return new DatabaseIndicator({ name, driver, ping, close });
}
