import { HealthModule } from '@nest-health/core';
import { HealthMetricsModule } from '@nest-health/core/metrics';
import { HealthWebhooksModule } from '@nest-health/core/webhooks';
import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { AiModule } from './ai/ai.module';
import { CacheModule } from './cache/cache.module';
import { HostHealthChecks } from './health/host-health-checks';
import { HostHealthModule } from './health/host-health.module';
import { templateHealthOptions, templateWebhookOptions } from './health/template-preset';
import { ResilienceModule } from './resilience/resilience.module';
import { TextProcessingModule } from './text-processing/text-processing.module';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: process.env.NODE_ENV === 'test' }),
    // The engine and its endpoints, configured the template's way (template-preset.ts).
    HealthModule.forRootAsync({
      imports: [HostHealthModule],
      inject: [ConfigService, HostHealthChecks],
      useFactory: (config: ConfigService, host: HostHealthChecks) =>
        templateHealthOptions(config, host.checks),
    }),
    // GET /metrics: the health metrics and the process metrics, from prom-client's global registry.
    HealthMetricsModule.forRoot({ defaultMetrics: true }),
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
