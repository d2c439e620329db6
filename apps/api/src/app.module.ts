import { CircuitBreakerRegistry, HealthModule, healthOptionsFromEnv } from '@app/health';
import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import type { AiSettings } from './ai/ai.config';
import { AI_SETTINGS, AiModule } from './ai/ai.module';
import { CacheModule } from './cache/cache.module';
import { CacheService } from './cache/cache.service';
import { hostHealthChecks } from './health/health-checks';
import { ResilienceModule } from './resilience/resilience.module';
import { TextProcessingModule } from './text-processing/text-processing.module';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: process.env.NODE_ENV === 'test' }),
    HealthModule.forRootAsync({
      imports: [AiModule, CacheModule, ResilienceModule],
      inject: [ConfigService, AI_SETTINGS, CacheService, CircuitBreakerRegistry],
      useFactory: (
        config: ConfigService,
        ai: AiSettings,
        cache: CacheService,
        breakers: CircuitBreakerRegistry,
      ) => ({
        ...healthOptionsFromEnv(config),
        checks: hostHealthChecks({ ai, cache, breakers }),
      }),
    }),
    AiModule,
    CacheModule,
    ResilienceModule,
    TextProcessingModule,
  ],
})
export class AppModule {}
