// app.module.ts
import { HealthModule, HealthStatus } from '@nest-health/core';
import { HealthMetricsModule } from '@nest-health/core/metrics';
import { Module } from '@nestjs/common';

@Module({
  imports: [
    HealthModule.forRoot({
      checks: [{ name: 'payments', check: () => ({ status: HealthStatus.HEALTHY }) }],
    }),
    HealthMetricsModule.forRoot({ defaultMetrics: true }),
  ],
})
export class AppModule {}
