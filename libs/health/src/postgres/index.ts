import '../indicators/database/peer';

export { POSTGRES_PING_DEFAULTS, postgresPing } from '../indicators/database/postgres.ping';
export type { PostgresPing, PostgresPingOptions } from '../indicators/database/postgres.ping';
export { createPostgresIndicator } from '../indicators/database/postgres.indicator';
export type { PostgresIndicatorOptions } from '../indicators/database/postgres.indicator';
