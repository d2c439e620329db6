import { CircuitBreakerRegistry } from '@nest-health/core/resilience';
import { Module } from '@nestjs/common';
import { ConsecutiveBreaker } from 'cockatiel';

/** The breaker in front of the AI provider: opens after 5 consecutive failures, probes after 30 s. */
export const AI_PROVIDER_BREAKER = 'ai_provider';

@Module({
  providers: [
    {
      provide: CircuitBreakerRegistry,
      useFactory: () => {
        const registry = new CircuitBreakerRegistry();
        registry.create(AI_PROVIDER_BREAKER, {
          halfOpenAfterMs: 30_000,
          breaker: new ConsecutiveBreaker(5),
        });
        return registry;
      },
    },
  ],
  exports: [CircuitBreakerRegistry],
})
export class ResilienceModule {}
