import { Injectable } from '@nestjs/common';
import type { HealthIndicator } from '../../core/health-check';
import type { IndicatorResult } from '../../core/health-status';
import { HealthStatus } from '../../core/health-status';
import { CircuitBreakerRegistry } from './circuit-breaker.registry';
import type { CircuitBreakerSnapshot, CircuitBreakerState } from './circuit-breaker.types';

/**
 * The `resilience` component, graded as the template grades it: DEGRADED while any registered
 * breaker is open (or isolated), HEALTHY otherwise. A half-open breaker is trying the
 * dependency again: it is listed in the message and metadata, and the status stays HEALTHY.
 * An open breaker means the app already shields itself from a failing dependency, so it
 * degrades the service rather than making it unhealthy.
 */
@Injectable()
export class ResilienceIndicator implements HealthIndicator {
  readonly name = 'resilience';

  constructor(private readonly registry: CircuitBreakerRegistry) {}

  check(): IndicatorResult {
    const breakers = this.registry.snapshot();
    const open = namesIn(breakers, 'open', 'isolated');
    const halfOpen = namesIn(breakers, 'half_open');
    return {
      status: open.length ? HealthStatus.DEGRADED : HealthStatus.HEALTHY,
      message: describe(breakers.length, open, halfOpen),
      metadata: {
        open_circuit_breakers: open,
        half_open_circuit_breakers: halfOpen,
        total_circuit_breakers: breakers.length,
        circuit_breakers: Object.fromEntries(breakers.map((b) => [b.name, countersOf(b)])),
      },
    };
  }
}

function namesIn(breakers: CircuitBreakerSnapshot[], ...states: CircuitBreakerState[]): string[] {
  return breakers.filter((b) => states.includes(b.state)).map((b) => b.name);
}

function describe(total: number, open: string[], halfOpen: string[]): string {
  if (total === 0) return 'No circuit breakers registered';
  if (open.length && halfOpen.length) {
    return `Open circuit breakers: ${open.join(', ')}; half-open: ${halfOpen.join(', ')}`;
  }
  if (open.length) return `Open circuit breakers: ${open.join(', ')}`;
  if (halfOpen.length) return `Half-open circuit breakers: ${halfOpen.join(', ')}`;
  return 'All circuit breakers closed';
}

function countersOf({ state, successes, failures, rejections, breaks }: CircuitBreakerSnapshot) {
  return { state, successes, failures, rejections, breaks };
}
