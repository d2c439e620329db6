import { HealthModule } from '@nest-health/core';
import { HealthTerminusModule, terminusCheck } from '@nest-health/core/terminus';
import { Module } from '@nestjs/common';
import { HttpHealthIndicator, MemoryHealthIndicator } from '@nestjs/terminus';
import { HealthChecksModule } from './health/health-checks.module';
import { SettlementsHealthIndicator } from './health/settlements.health';
import { PAYMENTS_URL } from './payments.config';

@Module({
  imports: [
    HealthModule.forRootAsync({
      imports: [HealthChecksModule], // exports the indicators the factory injects
      inject: [HttpHealthIndicator, MemoryHealthIndicator, SettlementsHealthIndicator],
      useFactory: (
        http: HttpHealthIndicator,
        memory: MemoryHealthIndicator,
        settlements: SettlementsHealthIndicator,
      ) => ({
        details: 'always', // Terminus shows every detail to everyone (see "Details" below)
        shutdownDelayMs: 5000, // was TerminusModule.forRoot({ gracefulShutdownTimeoutMs: 5000 })
        checks: [
          terminusCheck('payments', () => http.pingCheck('payments', `${PAYMENTS_URL}/health`)),
          terminusCheck('settlements', () => settlements.isHealthy('settlements')),
          terminusCheck('memory_heap', () => memory.checkHeap('memory_heap', 150 * 1024 * 1024)),
        ],
      }),
    }),
    HealthTerminusModule.forRoot({ path: 'health' }), // the old URL, the old body
  ],
})
export class AppModule {}
