import { HealthModule, healthOptionsFromEnv } from '@app/health';
import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { AiModule } from './ai/ai.module';
import { CacheModule } from './cache/cache.module';
import { HostHealthChecks } from './health/host-health-checks';
import { HostHealthModule } from './health/host-health.module';
import { ResilienceModule } from './resilience/resilience.module';
import { TextProcessingModule } from './text-processing/text-processing.module';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: process.env.NODE_ENV === 'test' }),
    HealthModule.forRootAsync({
      imports: [HostHealthModule],
      inject: [ConfigService, HostHealthChecks],
      useFactory: (config: ConfigService, host: HostHealthChecks) => ({
        ...healthOptionsFromEnv(config),
        checks: host.checks,
      }),
    }),
    // GET /metrics: the health metrics and the process metrics, from prom-client's global registry.
    PrometheusModule.register({ path: '/metrics', defaultMetrics: { enabled: true } }),
    AiModule,
    CacheModule,
    ResilienceModule,
    TextProcessingModule,
  ],
})
export class AppModule {}
