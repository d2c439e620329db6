// The README's "Install in your app" as one runnable file: HealthModule with a custom indicator
// (a provider, found by its decorator and registered at startup), a domain service that asks
// HealthService without running anything, the metrics sub-path, and a global prefix.
// The README's blocks are excerpts of it; test/docs/examples.e2e-spec.ts runs it.
// Run from the repository root (PORT=0 lets the OS pick a port):
//   npx ts-node --transpile-only -r tsconfig-paths/register docs/examples/install-in-your-app.ts
// In an app of your own, the imports are the same: `npm install @nest-health/core prom-client`.
import type { HealthIndicator, IndicatorResult } from '@nest-health/core';
import { HealthService, HealthStatus, RegisterHealthIndicator } from '@nest-health/core';
import { Injectable, ServiceUnavailableException } from '@nestjs/common';
// The README's app module:
import { HealthModule } from '@nest-health/core';
import { HealthMetricsModule } from '@nest-health/core/metrics';
import { Module } from '@nestjs/common';
// This file's own:
import { enableGracefulShutdown } from '@nest-health/core';
import { Controller, Get, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { setTimeout as sleep } from 'node:timers/promises';

/** Stands in for your client of a payments API; a real one would `fetch(url, { signal })`. */
@Injectable()
export class PaymentsClient {
  async ping(signal: AbortSignal): Promise<void> {
    await sleep(5, undefined, { signal });
  }
}

@RegisterHealthIndicator({ timeoutMs: 1000, abortable: true })
@Injectable()
export class PaymentsIndicator implements HealthIndicator {
  readonly name = 'payments';

  constructor(private readonly payments: PaymentsClient) {}

  async check(signal: AbortSignal): Promise<IndicatorResult> {
    await this.payments.ping(signal); // a throw becomes UNHEALTHY, a timeout DEGRADED
    return { status: HealthStatus.HEALTHY, message: 'Payments API reachable' };
  }
}

@Injectable()
export class OrdersService {
  constructor(private readonly health: HealthService) {}

  checkout(): { accepted: true } {
    if (!this.health.isHealthy('payments')) {
      throw new ServiceUnavailableException('Payments unavailable');
    }
    return { accepted: true };
  }
}

@Controller('orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Get('checkout')
  checkout(): { accepted: true } {
    return this.orders.checkout();
  }
}

@Module({
  imports: [
    HealthModule.forRoot({ version: '1.4.0' }), // global: HealthService is injectable anywhere
    HealthMetricsModule.forRoot(), // GET /metrics, from prom-client's global registry
  ],
  controllers: [OrdersController], // yours: GET /orders/checkout calls OrdersService
  providers: [PaymentsClient, PaymentsIndicator, OrdersService],
})
export class AppModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(AppModule);
  app.setGlobalPrefix('api'); // every health route follows it: /api/v1/health/..., /api/metrics
  enableGracefulShutdown(app); // as the README's bootstrap: SIGTERM drains, then closes
  await app.listen(Number(process.env.PORT ?? 3000));
  new Logger('install-in-your-app').log(`listening on ${await app.getUrl()}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
