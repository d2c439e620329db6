import type { HealthIndicator, IndicatorResult } from '@app/health';
import { HealthStatus, RegisterHealthIndicator } from '@app/health';
import { Injectable } from '@nestjs/common';
import { CircuitBreakerRegistry } from './circuit-breaker.registry';

/** `resilience`: HEALTHY while every registered circuit breaker is closed. */
@RegisterHealthIndicator()
@Injectable()
export class ResilienceIndicator implements HealthIndicator {
  readonly name = 'resilience';

  constructor(private readonly registry: CircuitBreakerRegistry) {}

  check(): IndicatorResult {
    const { open, halfOpen, total } = this.registry.snapshot();
    const metadata = {
      open_circuit_breakers: open,
      half_open_circuit_breakers: halfOpen,
      total_circuit_breakers: total,
    };
    if (open.length > 0) {
      return {
        status: HealthStatus.DEGRADED,
        message: `Open circuit breakers: ${open.join(', ')}`,
        metadata,
      };
    }
    return { status: HealthStatus.HEALTHY, message: 'All circuit breakers closed', metadata };
  }
}
