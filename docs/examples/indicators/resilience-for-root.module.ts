// docs/indicators/resilience.md's app with forRoot: test/docs/indicators.e2e-spec.ts boots it.
import { HealthModule } from '@nest-health/core';
import { CircuitBreakerRegistry, ResilienceIndicator } from '@nest-health/core/resilience';
import { Module } from '@nestjs/common';
import { PaymentsClient } from './resilience.module';

const breakers = new CircuitBreakerRegistry();

@Module({
  imports: [HealthModule.forRoot({ checks: [new ResilienceIndicator(breakers)] })],
  providers: [{ provide: CircuitBreakerRegistry, useValue: breakers }, PaymentsClient],
})
export class AppModule {}
