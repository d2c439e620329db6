import { HealthModule, healthOptionsFromEnv } from '@app/health';
import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
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
    AiModule,
    CacheModule,
    ResilienceModule,
    TextProcessingModule,
  ],
})
export class AppModule {}
