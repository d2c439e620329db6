export {
  CIRCUIT_BREAKER_CLOCK,
  CIRCUIT_BREAKER_NAME_PATTERN,
  CircuitBreakerRegistry,
} from './circuit-breaker.registry';
export {
  CircuitBreakerConfigurationError,
  DuplicateCircuitBreakerError,
  UnknownCircuitBreakerError,
} from './circuit-breaker.errors';
export type {
  CircuitBreakerClock,
  CircuitBreakerCounters,
  CircuitBreakerSnapshot,
  CircuitBreakerState,
  CreateCircuitBreakerOptions,
  RegisterCircuitBreakerOptions,
} from './circuit-breaker.types';
export { ResilienceIndicator } from './resilience.indicator';
export type { ResilienceIndicatorOptions, ResolvedResilienceOptions } from './resilience.indicator';
