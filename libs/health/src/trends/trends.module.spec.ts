import type { INestApplication } from '@nestjs/common';
import { Injectable, Module } from '@nestjs/common';
import { Interval, ScheduleModule, SchedulerRegistry } from '@nestjs/schedule';
import { HealthService } from '../core/health.service';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { HealthStatus } from '../core/health-status';
import { HealthModule } from '../health.module';
import { HealthTrends } from './health-trends.service';
import { eventually } from '../../../../test/support/eventually';

/** Asked every 10 ms, for up to 5 s. */
const POLL = { timeoutMs: 5000, intervalMs: 10 };

/** A host job scheduled the usual way, counting its runs. */
@Injectable()
class HostJob {
  runs = 0;
  @Interval('host-job', 100)
  tick(): void {
    this.runs++;
  }
}

/** A host service reading its own registry, and trends from code. */
@Injectable()
class HostReader {
  constructor(
    readonly registry: SchedulerRegistry,
    readonly trends: HealthTrends,
  ) {}
}

@Module({ providers: [HostJob, HostReader] })
class HostModule {}

const health = (evaluationIntervalMs = 50, exposeHttp = true) =>
  HealthModule.forRoot({
    exposeHttp,
    http: { endpoints: { trends: true } },
    evaluationIntervalMs,
    checks: [{ name: 'payments', check: () => ({ status: HealthStatus.HEALTHY }) }],
  });

describe('trends in HealthModule', () => {
  let app: INestApplication | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
    jest.useRealTimers();
  });

  async function boot(imports: unknown[]): Promise<INestApplication> {
    const moduleRef = await Test.createTestingModule({ imports: imports as never[] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    return app;
  }

  /** The engine's own periodic timer. */
  const engineTimer = (nest: INestApplication) =>
    (nest.get(HealthService) as unknown as { timer?: NodeJS.Timeout }).timer;

  it.each([
    ['before', (h: unknown) => [ScheduleModule.forRoot(), h, HostModule]],
    ['after', (h: unknown) => [h, HostModule, ScheduleModule.forRoot()]],
  ])(
    'lives beside a host ScheduleModule imported %s it: its evaluation listed there, no host job mounted twice',
    async (_where, imports) => {
      jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
      const nest = await boot(imports(health(1000)));
      const host = nest.get(HostReader).registry;
      // The engine's periodic evaluation is the host registry's "health-evaluation" interval.
      expect([...host.getIntervals()].sort()).toEqual(['health-evaluation', 'host-job']);
      expect(host.getInterval('health-evaluation')).toBe(engineTimer(nest));
      await jest.advanceTimersByTimeAsync(1000);
      expect(nest.get(HostJob).runs).toBe(10);
      // The evaluation at bootstrap, and the one a second later.
      expect(nest.get(HostReader).trends.analyze('15m').components.payments.samples).toBe(2);
    },
  );

  it('samples on its own, serves GET /v1/health/trends, and clears its interval on close', async () => {
    const nest = await boot([health()]);
    const timer = engineTimer(nest)!;
    expect(timer.hasRef()).toBe(false);
    await eventually(
      () => nest.get(HealthTrends).analyze().components.payments?.samples >= 2,
      POLL,
    );
    const res = await request(nest.getHttpServer()).get('/v1/health/trends?window=15m').expect(200);
    expect(res.body).toMatchObject({
      window: '15m',
      interval_ms: 50,
      components: { payments: {} },
    });
    await nest.close();
    app = undefined;
    // A cleared interval is destroyed: refreshing it would not bring it back to life.
    expect((timer as unknown as { _destroyed: boolean })._destroyed).toBe(true);
  });

  // Trends asked for are recorded without HTTP too, for HealthTrends from code (docs/trends.md).
  it('keeps sampling without HTTP, and serves no endpoint then', async () => {
    const nest = await boot([health(50, false)]);
    await eventually(
      () => nest.get(HealthTrends).analyze().components.payments?.samples >= 1,
      POLL,
    );
    await request(nest.getHttpServer()).get('/v1/health/trends').expect(404);
  });
});
