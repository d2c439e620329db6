// @nest-health/core/postgres: the database indicator for PostgreSQL. Needs the optional peer `pg`.
import '../indicators/database/peer';

export { postgresPing } from '../indicators/database/postgres.ping';
export type { PostgresPingOptions } from '../indicators/database/postgres.ping';
export { createPostgresIndicator } from '../indicators/database/postgres.indicator';
export type { PostgresIndicatorOptions } from '../indicators/database/postgres.indicator';
