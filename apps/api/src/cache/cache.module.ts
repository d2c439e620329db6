import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { readInteger } from '../config/app.config';
import { CacheService } from './cache.service';
import { redisSettingsFromEnv } from './redis.config';

@Module({
  providers: [
    {
      provide: CacheService,
      inject: [ConfigService],
      useFactory: (config: ConfigService) =>
        new CacheService({
          // CACHE_REDIS_URL over REDIS_URL, with REDIS_PASSWORD and the TLS settings.
          redis: redisSettingsFromEnv(config),
          commandTimeoutMs: readInteger(config, 'REDIS_COMMAND_TIMEOUT_MS', 1000, 1),
        }),
    },
  ],
  exports: [CacheService],
})
export class CacheModule {}
