import { Module } from '@nestjs/common';
import { AiModule } from '../ai/ai.module';
import { CacheModule } from '../cache/cache.module';
import { ResilienceModule } from '../resilience/resilience.module';
import { HostHealthChecks } from './host-health-checks';

@Module({
  imports: [AiModule, CacheModule, ResilienceModule],
  providers: [HostHealthChecks],
  exports: [HostHealthChecks],
})
export class HostHealthModule {}
