import { Module } from '@nestjs/common';
import { ConsecutiveBreaker, circuitBreaker, handleAll } from 'cockatiel';
import { CircuitBreakerRegistry } from './circuit-breaker.registry';
import { ResilienceIndicator } from './resilience.indicator';

export const AI_PROVIDER_BREAKER = 'ai_provider';

@Module({
  providers: [
    {
      provide: CircuitBreakerRegistry,
      useFactory: () => {
        const registry = new CircuitBreakerRegistry();
        registry.register(
          AI_PROVIDER_BREAKER,
          circuitBreaker(handleAll, { halfOpenAfter: 30_000, breaker: new ConsecutiveBreaker(5) }),
        );
        return registry;
      },
    },
    ResilienceIndicator,
  ],
  exports: [CircuitBreakerRegistry],
})
export class ResilienceModule {}
