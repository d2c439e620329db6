import type { HealthCheckDefinition, HealthIndicator } from '@app/health';
import {
  AiModelIndicator,
  CacheIndicator,
  CircuitBreakerRegistry,
  ResilienceIndicator,
} from '@app/health';
import type { AiSettings } from '../ai/ai.config';
import type { CacheService } from '../cache/cache.service';

export interface HostDependencies {
  ai: AiSettings;
  cache: CacheService;
  breakers: CircuitBreakerRegistry;
}

/** The built-in checks of this service; the engine skips those not enabled. */
export function hostHealthChecks({
  ai,
  cache,
  breakers,
}: HostDependencies): (HealthIndicator | HealthCheckDefinition)[] {
  return [
    new AiModelIndicator({
      apiKey: ai.apiKey,
      model: ai.model,
      baseUrl: ai.baseUrl,
      mode: ai.probe ? 'probe' : 'config',
      probeTtlMs: ai.probeTtlMs,
    }),
    new CacheIndicator({ redis: cache.redis, stats: () => cache.monitor.stats() }),
    new ResilienceIndicator(breakers),
  ];
}
