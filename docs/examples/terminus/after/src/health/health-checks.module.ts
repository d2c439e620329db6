import { HttpModule } from '@nestjs/axios';
import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { SettlementsHealthIndicator } from './settlements.health';

// Was src/health/health.module.ts, `HealthModule`: renamed, @nest-health/core's is HealthModule.
@Module({
  imports: [
    TerminusModule, // no gracefulShutdownTimeoutMs any more: the drain is HealthModule's
    HttpModule, // for SettlementsHealthIndicator, and Terminus 11's HttpHealthIndicator finds it
  ],
  providers: [SettlementsHealthIndicator],
  exports: [TerminusModule, SettlementsHealthIndicator],
})
export class HealthChecksModule {}
