import { HealthConfigurationError } from '../../shared/errors';

/** Thrown by `register` and `create` when the name is taken. */
export class DuplicateCircuitBreakerError extends Error {
  override readonly name = 'DuplicateCircuitBreakerError';
  constructor(readonly breaker: string) {
    super(`A circuit breaker named "${breaker}" is already registered`);
  }
}

/** Thrown by `registry.execute` for a name that is not registered. */
export class UnknownCircuitBreakerError extends Error {
  override readonly name = 'UnknownCircuitBreakerError';
  constructor(readonly breaker: string) {
    super(`No circuit breaker named "${breaker}" is registered`);
  }
}

/** Thrown by `register` and `create` when a name or setting is invalid; the message names it. */
export class CircuitBreakerConfigurationError extends HealthConfigurationError {
  override readonly name: string = 'CircuitBreakerConfigurationError';
}
