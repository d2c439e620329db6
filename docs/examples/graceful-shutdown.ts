// docs/operator-endpoints.md's graceful shutdown, as a file (CommonJS: no top-level await).
// test/docs/examples.e2e-spec.ts runs it and sends it SIGTERM. Run from the repository root:
//   npx ts-node --transpile-only -r tsconfig-paths/register docs/examples/graceful-shutdown.ts
import { enableGracefulShutdown } from '@nest-health/core';
import { HealthModule, HealthStatus, healthOptionsFromEnv } from '@nest-health/core';
import { Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

@Module({
  imports: [
    HealthModule.forRoot({
      ...healthOptionsFromEnv(process.env), // HEALTH_SHUTDOWN_DELAY_MS, HEALTH_SHUTDOWN_TIMEOUT_MS
      checks: [{ name: 'payments', check: () => ({ status: HealthStatus.HEALTHY }) }],
    }),
  ],
})
class AppModule {}

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule);
  enableGracefulShutdown(app); // or { delayMs: 10_000, timeoutMs: 30_000 }
  await app.listen(process.env.PORT ?? 8000);
  new Logger('graceful-shutdown').log(`listening on ${await app.getUrl()}`);
}

void bootstrap();
