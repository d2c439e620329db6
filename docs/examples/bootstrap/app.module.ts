// The app that docs/examples/bootstrap/main.ts boots: HealthModule with one check. The README's
// bootstrap snippet is an excerpt of main.ts; test/bootstrap-example.e2e-spec.ts compiles both
// as CommonJS and runs them.
import { HealthModule, HealthStatus } from '@nest-health/core';
import { Module } from '@nestjs/common';

@Module({
  imports: [
    HealthModule.forRoot({
      version: '1.4.0',
      checks: [{ name: 'payments', check: () => ({ status: HealthStatus.HEALTHY }) }],
    }),
  ],
})
export class AppModule {}
