import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { readInteger } from '../config/app.config';
import { CacheService } from './cache.service';

@Module({
  providers: [
    {
      provide: CacheService,
      inject: [ConfigService],
      useFactory: (config: ConfigService) =>
        new CacheService({
          redisUrl: config.get<string>('REDIS_URL') || undefined,
          commandTimeoutMs: readInteger(config, 'REDIS_COMMAND_TIMEOUT_MS', 1000, 1),
        }),
    },
  ],
  exports: [CacheService],
})
export class CacheModule {}
