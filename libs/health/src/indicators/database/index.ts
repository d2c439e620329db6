export { DatabaseIndicator } from './database.indicator';
export type { DatabaseIndicatorOptions } from './database.indicator';
export { POSTGRES_PING_DEFAULTS, postgresPing } from './postgres.ping';
export type { PostgresPing, PostgresPingOptions } from './postgres.ping';
export { createPostgresIndicator } from './postgres.indicator';
export type { PostgresIndicatorOptions } from './postgres.indicator';
