// @nest-health/core/mysql: the database indicator for MySQL and MariaDB. Needs the optional peer `mysql2`.
import './peer';

export { mysqlPing } from '../indicators/database/mysql.ping';
export { createMysqlIndicator } from '../indicators/database/mysql.indicator';
export type { MysqlIndicatorOptions } from '../indicators/database/mysql.indicator';
