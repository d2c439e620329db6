export { RuntimeIndicator } from './runtime.indicator';
export {
  RUNTIME_DEFAULTS,
  resolveRuntimeOptions as validateRuntimeOptions,
} from './runtime.options';
export type { RuntimeIndicatorOptions } from './runtime.options';
