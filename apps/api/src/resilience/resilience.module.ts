import { CircuitBreakerRegistry } from '@nest-health/core/resilience';
import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { OperationPolicies, registerOperationBreakers } from './operation-policies';
import type { ResilienceSettings } from './resilience.config';
import { resilienceSettingsFromEnv } from './resilience.config';

/** Each operation's strategy and figures (`RESILIENCE_PRESET` and its overrides). */
export const RESILIENCE_SETTINGS = Symbol('RESILIENCE_SETTINGS');

/**
 * One circuit breaker per operation, registered before anything reads the registry (the
 * `resilience` check, the breaker metrics), and each operation's retry policy around it.
 */
@Module({
  providers: [
    {
      provide: RESILIENCE_SETTINGS,
      inject: [ConfigService],
      useFactory: resilienceSettingsFromEnv,
    },
    {
      provide: CircuitBreakerRegistry,
      inject: [RESILIENCE_SETTINGS],
      useFactory: (settings: ResilienceSettings) => {
        const registry = new CircuitBreakerRegistry();
        registerOperationBreakers(registry, settings);
        return registry;
      },
    },
    {
      provide: OperationPolicies,
      inject: [CircuitBreakerRegistry, RESILIENCE_SETTINGS],
      useFactory: (registry: CircuitBreakerRegistry, settings: ResilienceSettings) =>
        new OperationPolicies(registry, settings),
    },
  ],
  exports: [CircuitBreakerRegistry, OperationPolicies, RESILIENCE_SETTINGS],
})
export class ResilienceModule {}
