// A tiny standalone app: HealthModule with one custom check.
// test/docs/examples.e2e-spec.ts runs it. Run from the repository root:
//   npx ts-node --transpile-only -r tsconfig-paths/register docs/examples/minimal-app.ts
import type { HealthCheckDefinition, SystemHealthStatus } from '@nest-health/core';
import { HealthModule, HealthService, HealthStatus } from '@nest-health/core';
import { Controller, Get, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { getHeapStatistics } from 'node:v8';

/** `heap`: DEGRADED when the V8 heap is more than 90% of its limit. */
const heapCheck: HealthCheckDefinition = {
  name: 'heap',
  timeoutMs: 500,
  check: () => {
    const { used_heap_size, heap_size_limit } = getHeapStatistics();
    const usedPercent = Math.round((used_heap_size / heap_size_limit) * 1000) / 10;
    return {
      status: usedPercent > 90 ? HealthStatus.DEGRADED : HealthStatus.HEALTHY,
      message: `heap ${usedPercent}% of limit`,
      metadata: { used_percent: usedPercent },
    };
  },
};

/** The full report, as a domain service would read it. */
@Controller()
class ReportController {
  constructor(private readonly health: HealthService) {}

  @Get('report')
  report(): Promise<SystemHealthStatus> {
    return this.health.check();
  }
}

@Module({
  imports: [HealthModule.forRoot({ version: '0.1.0', checks: [heapCheck] })],
  controllers: [ReportController],
})
class AppModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(AppModule);
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT ?? 3000));
  new Logger('minimal-app').log(`listening on ${await app.getUrl()}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
