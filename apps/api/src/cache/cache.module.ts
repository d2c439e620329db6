import { Module } from '@nestjs/common';
import { CacheIndicator } from './cache.indicator';
import { CacheService } from './cache.service';

@Module({
  providers: [{ provide: CacheService, useFactory: () => new CacheService() }, CacheIndicator],
  exports: [CacheService],
})
export class CacheModule {}
