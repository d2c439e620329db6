// docs/indicators/terminus.md's app: test/docs/indicators.e2e-spec.ts boots it.
import { HealthModule } from '@nest-health/core';
import { HealthTerminusModule, terminusCheck } from '@nest-health/core/terminus';
import { HttpModule } from '@nestjs/axios';
import { Module } from '@nestjs/common';
import { HttpHealthIndicator, MemoryHealthIndicator, TerminusModule } from '@nestjs/terminus';

@Module({
  imports: [
    HealthModule.forRootAsync({
      imports: [TerminusModule, HttpModule], // Terminus 11's HttpHealthIndicator uses HttpService
      inject: [MemoryHealthIndicator, HttpHealthIndicator],
      useFactory: (memory: MemoryHealthIndicator, http: HttpHealthIndicator) => ({
        checks: [
          terminusCheck('heap', () => memory.checkHeap('heap', 300 * 1024 * 1024)),
          terminusCheck('docs', () => http.pingCheck('docs', process.env.DOCS_URL!), {
            timeoutMs: 3000,
            tags: ['ready'],
          }),
        ],
      }),
    }),
    HealthTerminusModule.forRoot(), // GET /v1/health/terminus
  ],
})
export class AppModule {}
