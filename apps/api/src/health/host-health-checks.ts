import type { HealthIndicator } from '@nest-health/core';
import { CacheIndicator, RuntimeIndicator } from '@nest-health/core';
import { AiModelIndicator } from '@nest-health/core/gemini';
import { createPostgresIndicator } from '@nest-health/core/postgres';
import { CircuitBreakerRegistry, ResilienceIndicator } from '@nest-health/core/resilience';
import type { OnModuleDestroy } from '@nestjs/common';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AiSettings } from '../ai/ai.config';
import { AI_SETTINGS } from '../ai/ai.module';
import { CacheService } from '../cache/cache.service';
import { readString } from '../config/app.config';
import { runtimeSettingsFromEnv } from './runtime.config';
import { thresholdsFromEnv } from './thresholds.config';
import { templateEnabledComponents } from './template-preset';

type Closable = HealthIndicator & { onModuleDestroy?: () => unknown };

/**
 * The built-in checks of this service, built from its configuration. `database` and `runtime`
 * are built only when enabled; their resources (a pg pool, a delay histogram) are released on
 * shutdown.
 */
@Injectable()
export class HostHealthChecks implements OnModuleDestroy {
  readonly checks: Closable[];
  private readonly logger = new Logger('HostHealthChecks');

  constructor(
    config: ConfigService,
    @Inject(AI_SETTINGS) ai: AiSettings,
    cache: CacheService,
    breakers: CircuitBreakerRegistry,
  ) {
    // Only the template components HEALTH_CHECK_ENABLED_COMPONENTS names are built at all;
    // checks the app registers elsewhere are not filtered.
    const enabled = new Set(templateEnabledComponents(config));
    const runtime = runtimeSettingsFromEnv(config); // read even when off: a bad value is an error
    const thresholds = thresholdsFromEnv(config); // read even when off: a bad value is an error
    const databaseUrl = readString(config, 'DATABASE_URL');
    this.checks = [];
    if (enabled.has('ai_model')) {
      this.checks.push(
        new AiModelIndicator({
          apiKey: ai.apiKey,
          model: ai.model,
          baseUrl: ai.baseUrl,
          mode: ai.probe ? 'probe' : 'config',
          probeTtlMs: ai.probeTtlMs,
        }),
      );
    }
    if (enabled.has('cache')) {
      this.checks.push(
        new CacheIndicator({
          redis: cache.redis,
          stats: () => cache.monitor.stats(),
          thresholds: thresholds.cache,
        }),
      );
    }
    if (enabled.has('resilience')) {
      this.checks.push(new ResilienceIndicator(breakers, thresholds.resilience));
    }
    if (enabled.has('database')) {
      if (databaseUrl) this.checks.push(createPostgresIndicator(databaseUrl));
      else this.logger.warn('database is enabled but DATABASE_URL is not set: no database check');
    }
    if (enabled.has('runtime')) this.checks.push(new RuntimeIndicator(runtime));
  }

  async onModuleDestroy(): Promise<void> {
    const closing = this.checks.map(async (check) => {
      try {
        await check.onModuleDestroy?.();
      } catch (error) {
        this.logger.warn(
          `Closing ${check.name} failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    });
    await Promise.all(closing);
  }
}
