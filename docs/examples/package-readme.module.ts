// The package README's module (libs/health/README.md): HealthModule with one check.
// test/docs/health-module.e2e-spec.ts boots it.
import { HealthModule, HealthStatus } from '@nest-health/core';
import { Module } from '@nestjs/common';

@Module({
  imports: [
    HealthModule.forRoot({
      checks: [{ name: 'payments', check: async () => ({ status: HealthStatus.HEALTHY }) }],
    }),
  ],
})
export class AppModule {}
