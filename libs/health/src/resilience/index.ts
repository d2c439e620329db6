// @nest-health/core/resilience: a registry of cockatiel circuit breakers and its indicator.
// Needs the optional peer `cockatiel`.
import '../indicators/resilience/peer';

export { CircuitBreakerRegistry } from '../indicators/resilience/circuit-breaker.registry';
export {
  CircuitBreakerConfigurationError,
  DuplicateCircuitBreakerError,
  UnknownCircuitBreakerError,
} from '../indicators/resilience/circuit-breaker.errors';
export type {
  CircuitBreakerSnapshot,
  CircuitBreakerState,
  CreateCircuitBreakerOptions,
  RegisterCircuitBreakerOptions,
} from '../indicators/resilience/circuit-breaker.types';
export { ResilienceIndicator } from '../indicators/resilience/resilience.indicator';
export type { ResilienceIndicatorOptions } from '../indicators/resilience/resilience.indicator';
