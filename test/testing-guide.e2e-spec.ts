// The examples of docs/testing.md, run as written: every ```ts block of that guide is an excerpt of
// this file (test/doc-examples.e2e-spec.ts checks it). They import the package's public entries only.
import type { HealthIndicator, IndicatorResult } from '@nest-health/core';
import {
  HealthModule,
  HealthService,
  HealthStatus,
  RegisterHealthIndicator,
} from '@nest-health/core';
import { HealthMetricsModule } from '@nest-health/core/metrics';
import {
  createTestHealthService,
  dateClock,
  firstEvaluation,
  forceStatus,
  ManualClock,
  metricStateSets,
  parseMetrics,
} from '@nest-health/core/testing';
import type { INestApplication } from '@nestjs/common';
import { Controller, Injectable, Module, Post, ServiceUnavailableException } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Registry } from 'prom-client';
import request from 'supertest';
// For the last test only.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

// ---------------------------------------------------------------- the app under test

/** Your client of the payments API. */
@Injectable()
class PaymentsClient {
  private readonly baseUrl = process.env.PAYMENTS_URL ?? 'http://payments.internal';

  async ping(signal: AbortSignal): Promise<void> {
    const answer = await fetch(`${this.baseUrl}/ping`, { signal });
    if (!answer.ok) throw new Error(`payments answered ${answer.status}`);
  }
}

@RegisterHealthIndicator({ timeoutMs: 1000, abortable: true, tags: ['ready'] })
@Injectable()
class PaymentsIndicator implements HealthIndicator {
  readonly name = 'payments';

  constructor(private readonly payments: PaymentsClient) {}

  async check(signal: AbortSignal): Promise<IndicatorResult> {
    await this.payments.ping(signal);
    return { status: HealthStatus.HEALTHY, message: 'Payments API reachable' };
  }
}

@Injectable()
class OrdersService {
  constructor(private readonly health: HealthService) {}

  checkout(): { accepted: true } {
    if (!this.health.isHealthy('payments')) {
      throw new ServiceUnavailableException('Payments unavailable');
    }
    return { accepted: true };
  }
}

@Controller('orders')
class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Post()
  checkout(): { accepted: true } {
    return this.orders.checkout();
  }
}

@Module({
  imports: [HealthModule.forRoot({ version: '1.4.0' })],
  controllers: [OrdersController],
  providers: [PaymentsClient, PaymentsIndicator, OrdersService],
})
class AppModule {}

// ---------------------------------------------------------------- unit tests

describe('OrdersService', () => {
  const payments = { name: 'payments', check: () => ({ status: HealthStatus.HEALTHY }) };

  it('accepts an order while payments is healthy, refuses one while it is not', async () => {
    const health = createTestHealthService({ checks: [payments] });
    const orders = new OrdersService(health);
    await firstEvaluation(health);
    expect(orders.checkout()).toEqual({ accepted: true });

    const restore = await forceStatus(health, 'payments', HealthStatus.UNHEALTHY);
    expect(() => orders.checkout()).toThrow(ServiceUnavailableException);
    await restore();
    expect(orders.checkout()).toEqual({ accepted: true });
  });

  it('gets the test engine from a testing module like any provider', async () => {
    const moduleRef = await Test.createTestingModule({
      providers: [
        OrdersService,
        { provide: HealthService, useValue: createTestHealthService({ checks: [payments] }) },
      ],
    }).compile();
    await firstEvaluation(moduleRef);
    expect(moduleRef.get(OrdersService).checkout()).toEqual({ accepted: true });
  });

  it('says no before the first evaluation: unknown is not healthy', () => {
    const orders = new OrdersService(createTestHealthService({ checks: [payments] }));
    expect(() => orders.checkout()).toThrow('Payments unavailable');
  });
});

// ---------------------------------------------------------------- e2e tests with supertest

describe('POST /orders', () => {
  const payments = { ping: jest.fn<Promise<void>, [AbortSignal]>() };
  let app: INestApplication;

  beforeEach(async () => {
    payments.ping.mockResolvedValue(undefined);
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
      .overrideProvider(PaymentsClient)
      .useValue(payments)
      .compile();
    app = moduleRef.createNestApplication();
    await app.init();
    await firstEvaluation(app); // isHealthy() answers from here on
  });

  afterEach(() => app.close());

  it('accepts an order while payments is healthy', async () => {
    await request(app.getHttpServer()).post('/orders').expect(201, { accepted: true });
    await request(app.getHttpServer()).get('/v1/health/ready').expect(200);
  });

  it('answers 503 while payments is down', async () => {
    const restore = await forceStatus(app, 'payments', HealthStatus.UNHEALTHY);
    await request(app.getHttpServer()).post('/orders').expect(503);
    await request(app.getHttpServer()).get('/v1/health/ready').expect(503);

    await restore();
    await request(app.getHttpServer()).post('/orders').expect(201);
  });

  it('reports what the payments API does', async () => {
    payments.ping.mockRejectedValue(new Error('connection refused'));
    const report = await app.get(HealthService).check(); // evaluates now
    expect(report.components).toEqual([
      expect.objectContaining({
        name: 'payments',
        status: HealthStatus.UNHEALTHY,
        message: 'payments check failed: connection refused',
      }),
    ]);
    await request(app.getHttpServer()).post('/orders').expect(503);
  });
});

// ---------------------------------------------------------------- awaiting the first evaluation

describe('the first evaluation', () => {
  it('has not finished when app.init() resolves', async () => {
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
      .overrideProvider(PaymentsClient)
      .useValue({ ping: () => answered })
      .compile();
    const app = await moduleRef.createNestApplication().init();
    const health = app.get(HealthService);
    expect(health.isHealthy('payments')).toBe(false); // still evaluating

    answer();
    const report = await firstEvaluation(app);
    expect(report.overall_status).toBe(HealthStatus.HEALTHY);
    expect(health.isHealthy('payments')).toBe(true);
    await app.close();
  });
});

// ---------------------------------------------------------------- overriding an indicator

describe('an indicator overridden', () => {
  it('is registered in place of the real one', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
      .overrideProvider(PaymentsIndicator)
      .useValue({
        name: 'payments',
        check: () => ({ status: HealthStatus.DEGRADED, message: 'sandbox' }),
      })
      .compile();
    const app = await moduleRef.createNestApplication().init();
    const report = await firstEvaluation(app);
    expect(report.components).toEqual([
      expect.objectContaining({ name: 'payments', status: HealthStatus.DEGRADED }),
    ]);
    await app.close();
  });
});

// ---------------------------------------------------------------- replacing HealthService

describe('HealthService replaced in the app', () => {
  it('takes a test engine, into which the app registers its indicators', async () => {
    const health = createTestHealthService();
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
      .overrideProvider(HealthService)
      .useValue(health)
      .overrideProvider(PaymentsClient)
      .useValue({ ping: async () => undefined })
      .compile();
    const app = await moduleRef.createNestApplication().init();
    expect(app.get(HealthService)).toBe(health);
    expect(health.names()).toEqual(['payments']);

    await firstEvaluation(app);
    await request(app.getHttpServer()).post('/orders').expect(201);
    await request(app.getHttpServer()).get('/v1/health/components').expect(200);
    await app.close();
  });

  it('fails at init with a partial object', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
      .overrideProvider(HealthService)
      .useValue({ isHealthy: () => true })
      .compile();
    const app = moduleRef.createNestApplication();
    await expect(app.init()).rejects.toThrow('this.health.register is not a function');
    await app.close();
  });
});

// ---------------------------------------------------------------- controlling time

describe('time on a ManualClock', () => {
  it('judges a slow answer without waiting for it', async () => {
    const clock = new ManualClock();
    const health = createTestHealthService({
      clock,
      checks: [
        {
          name: 'payments',
          degradedAboveMs: 500,
          check: () => {
            clock.advance(800); // the answer took 800 ms
            return { status: HealthStatus.HEALTHY };
          },
        },
      ],
    });
    const report = await health.check();
    expect(report.components[0]).toMatchObject({
      status: HealthStatus.DEGRADED,
      response_time_ms: 800,
    });
  });

  it('reuses a result for cacheTtlMs of its time', async () => {
    const clock = new ManualClock();
    let status = HealthStatus.HEALTHY;
    const health = createTestHealthService({
      clock,
      cacheTtlMs: 30_000,
      checks: [{ name: 'payments', check: () => ({ status }) }],
    });
    await health.check();
    status = HealthStatus.UNHEALTHY;
    clock.advance(29_999);
    expect((await health.check()).overall_status).toBe(HealthStatus.HEALTHY);
    clock.advance(1);
    expect((await health.check()).overall_status).toBe(HealthStatus.UNHEALTHY);
  });
});

describe('the periodic evaluation on Jest fake timers', () => {
  afterEach(() => jest.useRealTimers());

  it('sees payments go down at the next evaluation, in no real time', async () => {
    jest.useFakeTimers({ now: new Date('2030-01-01T00:00:00Z') });
    const payments = { ping: jest.fn<Promise<void>, [AbortSignal]>() };
    payments.ping.mockResolvedValue(undefined);
    const health = createTestHealthService({ clock: dateClock, evaluationIntervalMs: 10_000 });
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
      .overrideProvider(HealthService)
      .useValue(health)
      .overrideProvider(PaymentsClient)
      .useValue(payments)
      .compile();
    const app = await moduleRef.createNestApplication().init();
    await firstEvaluation(app);
    expect(health.isHealthy('payments')).toBe(true);

    payments.ping.mockRejectedValue(new Error('connection refused'));
    await jest.advanceTimersByTimeAsync(10_000);
    expect(health.isHealthy('payments')).toBe(false);
    expect(health.getLastReport()?.timestamp).toBe(Date.parse('2030-01-01T00:00:10Z') / 1000);
    await app.close();
  });
});

// ---------------------------------------------------------------- metrics

describe('GET /metrics', () => {
  it('shows the status forced on a component', async () => {
    const registry = new Registry();
    const moduleRef = await Test.createTestingModule({
      imports: [AppModule, HealthMetricsModule.forRoot({ registry })],
    })
      .overrideProvider(PaymentsClient)
      .useValue({ ping: async () => undefined })
      .compile();
    const app = await moduleRef.createNestApplication().init();
    await firstEvaluation(app);
    await forceStatus(app, 'payments', HealthStatus.UNHEALTHY);
    await app.get(HealthService).check(); // a report: metrics follow reports

    const { text } = await request(app.getHttpServer()).get('/metrics').expect(200);
    expect(metricStateSets(parseMetrics(text), 'health_component_status')).toEqual({
      payments: 'unhealthy',
    });
    await app.close();
  });
});

// ---------------------------------------------------------------- the entry

describe('@nest-health/core/testing', () => {
  it('loads no test framework and no optional peer', () => {
    const loaded = execFileSync(
      process.execPath,
      [
        '-e',
        `require('@nest-health/core/testing');
         const names = Object.keys(require.cache)
           .map((path) => /.*node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(path)?.[1])
           .filter(Boolean);
         process.stdout.write(JSON.stringify([...new Set(names)]));`,
      ],
      { cwd: join(__dirname, '..'), encoding: 'utf8' },
    );
    const packages = JSON.parse(loaded) as string[];
    expect(packages).toContain('@nestjs/common');
    const forbidden =
      /^(jest|@jest\/|@nestjs\/testing|supertest|vitest|prom-client|ioredis|pg|cockatiel|yaml|@nestjs\/(schedule|swagger|terminus)|@willsoto\/)/;
    expect(packages.filter((name) => forbidden.test(name))).toEqual([]);
  });
});
