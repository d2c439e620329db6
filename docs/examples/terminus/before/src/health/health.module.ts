import { HttpModule } from '@nestjs/axios';
import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { SettlementsHealthIndicator } from './settlements.health';

@Module({
  imports: [TerminusModule.forRoot({ gracefulShutdownTimeoutMs: 5000 }), HttpModule],
  controllers: [HealthController],
  providers: [SettlementsHealthIndicator],
})
export class HealthModule {}
