import { HealthModule } from '@nest-health/core';
import { HealthConfigModule } from '@nest-health/core/config';
import {
  CacheMetricsCollector,
  CircuitBreakerMetricsCollector,
  HealthMetricsModule,
} from '@nest-health/core/metrics';
import { CircuitBreakerRegistry } from '@nest-health/core/resilience';
import { HealthWebhooksModule } from '@nest-health/core/webhooks';
import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { ScheduleModule } from '@nestjs/schedule';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { AiModule } from './ai/ai.module';
import { CacheModule } from './cache/cache.module';
import { CacheService } from './cache/cache.service';
import { HostHealthChecks } from './health/host-health-checks';
import { HostHealthModule } from './health/host-health.module';
import { MetricsController } from './metrics/metrics.controller';
import {
  templateConfigOptions,
  templateHealthOptions,
  templateMetricsOptions,
  templateWebhookOptions,
} from './health/template-preset';
import { ResilienceModule } from './resilience/resilience.module';
import { TextProcessingModule } from './text-processing/text-processing.module';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: process.env.NODE_ENV === 'test' }),
    // The app's jobs, the periodic health evaluation among them ("health-evaluation").
    ScheduleModule.forRoot(),
    // GET /metrics: prom-client's global registry with the process metrics, behind
    // HEALTH_METRICS_TOKEN when it is set (MetricsController).
    PrometheusModule.register({ controller: MetricsController }),
    // The engine and its endpoints, configured the template's way (template-preset.ts).
    HealthModule.forRootAsync({
      imports: [HostHealthModule],
      inject: [ConfigService, HostHealthChecks],
      useFactory: (config: ConfigService, host: HostHealthChecks) =>
        templateHealthOptions(config, host.checks),
      // Everything on: the template's legacy body, trends, the status page with live updates,
      // and GET /health redirecting to /v1/health.
      http: {
        endpoints: { legacy: true, trends: true, status: true, events: true },
        redirect: true,
      },
    }),
    // Runtime configuration: the admin endpoint (404 without HEALTH_ADMIN_KEYS), the watched
    // file (HEALTH_CONFIG_FILE) and the fleet store (HEALTH_CONFIG_REDIS_URL).
    HealthConfigModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService) => templateConfigOptions(config),
    }),
    // The health series, the cache's and the circuit breakers', in the registry PrometheusModule
    // serves; HEALTH_METRICS_TOKEN for MetricsController's guard.
    HealthMetricsModule.forRootAsync({
      imports: [CacheModule, ResilienceModule],
      inject: [ConfigService, CacheService, CircuitBreakerRegistry],
      useFactory: (
        config: ConfigService,
        cache: CacheService,
        breakers: CircuitBreakerRegistry,
      ) => ({
        ...templateMetricsOptions(config),
        collectors: [
          new CacheMetricsCollector(cache.monitor),
          new CircuitBreakerMetricsCollector(breakers),
        ],
      }),
    }),
    HealthWebhooksModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService) => templateWebhookOptions(config),
    }),
    AiModule,
    CacheModule,
    ResilienceModule,
    TextProcessingModule,
  ],
})
export class AppModule {}
