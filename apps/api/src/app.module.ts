import {
  CacheIndicator,
  CircuitBreakerRegistry,
  HealthModule,
  healthOptionsFromEnv,
  ResilienceIndicator,
} from '@app/health';
import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { AiModule } from './ai/ai.module';
import { CacheModule } from './cache/cache.module';
import { CacheService } from './cache/cache.service';
import { ResilienceModule } from './resilience/resilience.module';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: process.env.NODE_ENV === 'test' }),
    HealthModule.forRootAsync({
      imports: [CacheModule, ResilienceModule],
      inject: [ConfigService, CacheService, CircuitBreakerRegistry],
      useFactory: (
        config: ConfigService,
        cache: CacheService,
        breakers: CircuitBreakerRegistry,
      ) => ({
        ...healthOptionsFromEnv(config),
        checks: [
          new CacheIndicator({ redis: cache.redis, stats: () => cache.monitor.stats() }),
          new ResilienceIndicator(breakers),
        ],
      }),
    }),
    AiModule,
    CacheModule,
    ResilienceModule,
  ],
})
export class AppModule {}
