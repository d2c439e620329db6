// The README's "Install in your app" as one runnable file: HealthModule with a custom indicator,
// a domain service that asks HealthService, the metrics sub-path, and a global prefix.
// Run from the repository root (PORT=0 lets the OS pick a port):
//   npx ts-node --transpile-only -r tsconfig-paths/register docs/examples/install-in-your-app.ts
// In an app of your own, the imports are the same: `npm install @nest-health/core prom-client`.
import type { HealthIndicator, IndicatorResult } from '@nest-health/core';
import {
  HealthModule,
  HealthService,
  HealthStatus,
  RegisterHealthIndicator,
} from '@nest-health/core';
import { HealthMetricsModule } from '@nest-health/core/metrics';
import {
  Controller,
  Get,
  Injectable,
  Logger,
  Module,
  ServiceUnavailableException,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { setTimeout as sleep } from 'node:timers/promises';

/** Stands in for your client of a payments API; a real one would `fetch(url, { signal })`. */
@Injectable()
export class PaymentsClient {
  async ping(signal: AbortSignal): Promise<void> {
    await sleep(5, undefined, { signal });
  }
}

/** A check with dependencies: a provider, found by the decorator and registered at startup. */
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

/** A domain service asks without running anything: the last known status. */
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
  controllers: [OrdersController],
  providers: [PaymentsClient, PaymentsIndicator, OrdersService],
})
export class AppModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(AppModule);
  app.setGlobalPrefix('api'); // every health route follows it: /api/v1/health/..., /api/metrics
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT ?? 3000));
  new Logger('install-in-your-app').log(`listening on ${await app.getUrl()}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
