export { DatabaseIndicator } from './database.indicator';
export type { DatabaseIndicatorOptions } from './database.indicator';
