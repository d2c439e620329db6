import { HealthModule, healthOptionsFromEnv } from '@app/health';
import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { AiModule } from './ai/ai.module';
import { CacheModule } from './cache/cache.module';
import { ResilienceModule } from './resilience/resilience.module';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: process.env.NODE_ENV === 'test' }),
    HealthModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService) => healthOptionsFromEnv(config),
    }),
    AiModule,
    CacheModule,
    ResilienceModule,
  ],
})
export class AppModule {}
