export { RuntimeIndicator } from './runtime.indicator';
export { RUNTIME_DEFAULTS } from './runtime.options';
export type { RuntimeIndicatorOptions } from './runtime.options';
