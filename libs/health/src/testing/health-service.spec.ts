import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { HealthCheckDefinition, IndicatorResult, TunableThresholds } from '..';
import {
  HealthConfigurationError,
  HealthModule,
  HealthService,
  HealthStatus,
  RegisterHealthIndicator,
  UnknownComponentError,
} from '..';
import { ManualClock } from './clocks';
import { createTestHealthService, firstEvaluation, forceStatus } from './health-service';

const { HEALTHY, DEGRADED, UNHEALTHY } = HealthStatus;

/** A check whose answers the test sets, counting its runs. */
function fakeCheck(name: string, options: Partial<HealthCheckDefinition> = {}) {
  const state = { status: HEALTHY, runs: 0 };
  const definition: HealthCheckDefinition = {
    name,
    ...options,
    check: () => {
      state.runs++;
      return { status: state.status, message: `${name} says ${state.status}` };
    },
  };
  return { definition, state };
}

/** A promise and the way to resolve it, for a check that answers when the test says so. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('createTestHealthService', () => {
  it('is a real engine made without Nest: it runs its checks and answers from them', async () => {
    const { definition } = fakeCheck('payments');
    const health = createTestHealthService({ checks: [definition], version: '2.0.0' });
    expect(health).toBeInstanceOf(HealthService);
    expect([health.names(), health.version, health.isHealthy('payments')]).toEqual([
      ['payments'],
      '2.0.0',
      false,
    ]);
    const report = await health.check();
    expect(report.overall_status).toBe(HEALTHY);
    expect(health.isHealthy('payments')).toBe(true);
  });

  it('evaluates nothing by itself and retries nothing, unless told', async () => {
    let attempts = 0;
    const failing: HealthCheckDefinition = {
      name: 'flaky',
      check: () => {
        attempts++;
        throw new Error('down');
      },
    };
    const health = createTestHealthService({ checks: [failing] });
    expect(health.evaluationIntervalMs).toBe(0);
    health.onApplicationBootstrap();
    expect(health.scheduleEvaluations()).toBeUndefined();
    await firstEvaluation(health);
    expect([attempts, health.getLastStatus('flaky')?.status]).toEqual([1, UNHEALTHY]);
    health.onModuleDestroy();

    attempts = 0;
    const told = createTestHealthService({
      checks: [failing],
      retries: 2,
      retryBaseDelayMs: 1,
      evaluationIntervalMs: 60_000,
    });
    expect(told.evaluationIntervalMs).toBe(60_000);
    await told.check();
    expect(attempts).toBe(3);
  });

  it('validates its options as the module does', () => {
    expect(createTestHealthService().names()).toEqual([]);
    expect(() => createTestHealthService({ retries: -1 })).toThrow(HealthConfigurationError);
    expect(() => createTestHealthService({ checks: [{ name: 'Bad Name' } as never] })).toThrow(
      HealthConfigurationError,
    );
  });

  it('reads time from the clock given', async () => {
    const clock = new ManualClock();
    const { definition, state } = fakeCheck('payments');
    const health = createTestHealthService({ checks: [definition], clock, cacheTtlMs: 1_000 });
    await health.check();
    await health.check();
    expect(state.runs).toBe(1);
    clock.advance(1_000);
    await health.check();
    expect(state.runs).toBe(2);
  });
});

describe('firstEvaluation', () => {
  it('runs the first evaluation of an engine nothing has evaluated yet', async () => {
    const { definition, state } = fakeCheck('payments');
    const health = createTestHealthService({ checks: [definition] });
    const report = await firstEvaluation(health);
    expect(report.components.map((c) => [c.name, c.status])).toEqual([['payments', HEALTHY]]);
    expect([state.runs, health.started, health.getLastReport()]).toEqual([1, true, report]);
  });

  it('answers the last report once there is one, running nothing', async () => {
    const { definition, state } = fakeCheck('payments');
    const health = createTestHealthService({ checks: [definition] });
    const report = await health.check();
    state.status = UNHEALTHY;
    await expect(firstEvaluation(health)).resolves.toBe(report);
    expect(state.runs).toBe(1);
  });

  it('waits for the evaluation in flight instead of starting one', async () => {
    const slow = gate();
    let runs = 0;
    const health = createTestHealthService({
      checks: [
        {
          name: 'payments',
          check: async () => {
            runs++;
            await slow.opened;
            return { status: HEALTHY };
          },
        },
      ],
    });
    const first = health.check();
    const awaited = firstEvaluation(health);
    slow.open();
    await expect(awaited).resolves.toBe(await first);
    expect(runs).toBe(1);
  });

  it('awaits the evaluation an app starts at bootstrap: isHealthy() is false until it ends', async () => {
    const slow = gate();

    @RegisterHealthIndicator()
    @Injectable()
    class PaymentsIndicator {
      readonly name = 'payments';
      async check(): Promise<IndicatorResult> {
        await slow.opened;
        return { status: HEALTHY };
      }
    }

    @Module({
      imports: [HealthModule.forRoot({ exposeHttp: false })],
      providers: [PaymentsIndicator],
    })
    class AppModule {}

    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    const app = moduleRef.createNestApplication();
    try {
      await app.init();
      const health = app.get(HealthService);
      expect([health.started, health.isHealthy('payments')]).toEqual([false, false]);
      const awaited = firstEvaluation(app);
      slow.open();
      const report = await awaited;
      expect([report.overall_status, health.isHealthy('payments')]).toEqual([HEALTHY, true]);
      expect(health.getLastReport()).toBe(report);
    } finally {
      await app.close();
    }
  });
});

describe('forceStatus', () => {
  it('makes a check answer the status given, without running its dependency, until restored', async () => {
    const { definition, state } = fakeCheck('payments');
    const health = createTestHealthService({ checks: [definition] });
    await firstEvaluation(health);
    expect(health.isHealthy('payments')).toBe(true);

    const restore = await forceStatus(health, 'payments', UNHEALTHY);
    expect(health.isHealthy('payments')).toBe(false);
    expect(health.getLastStatus('payments')).toMatchObject({
      status: UNHEALTHY,
      message: 'payments is unhealthy (forced by a test)',
    });
    const report = await health.check();
    expect(report.overall_status).toBe(UNHEALTHY);
    expect(state.runs).toBe(1);

    await restore();
    expect(state.runs).toBe(2);
    expect(health.isHealthy('payments')).toBe(true);
    expect((await health.check()).overall_status).toBe(HEALTHY);
  });

  it('takes a whole result, message and metadata included', async () => {
    const { definition } = fakeCheck('payments');
    const health = createTestHealthService({ checks: [definition] });
    await forceStatus(health, 'payments', {
      status: DEGRADED,
      message: 'slow answers',
      metadata: { latency_ms: 900 },
    });
    expect(health.getLastStatus('payments')).toMatchObject({
      status: DEGRADED,
      message: 'slow answers',
      metadata: { latency_ms: 900 },
    });
  });

  it("keeps the check's settings: a forced non-critical check is DEGRADED overall, its tags stay", async () => {
    const { definition } = fakeCheck('recommendations', { critical: false, tags: ['ready'] });
    const health = createTestHealthService({ checks: [definition] });
    await forceStatus(health, 'recommendations', UNHEALTHY);
    const report = await health.check();
    expect(report.overall_status).toBe(DEGRADED);
    expect(health.hasTag('ready')).toBe(true);
  });

  it('keeps settings an indicator class declares as getters, and its base metadata', async () => {
    class SearchIndicator {
      readonly name = 'search';
      readonly baseMetadata = { backend: 'opensearch' };
      get critical(): boolean {
        return false;
      }
      check(): IndicatorResult {
        return { status: HEALTHY };
      }
    }
    const health = createTestHealthService({ checks: [new SearchIndicator()] });
    await forceStatus(health, 'search', UNHEALTHY);
    expect((await health.check()).overall_status).toBe(DEGRADED);
    expect(health.getLastStatus('search')?.metadata).toEqual({ backend: 'opensearch' });
  });

  it('shows at once, whatever failuresBeforeUnhealthy holds back', async () => {
    const { definition } = fakeCheck('payments');
    const health = createTestHealthService({
      checks: [definition],
      components: { payments: { failuresBeforeUnhealthy: 3 } },
    });
    await firstEvaluation(health);
    await forceStatus(health, 'payments', UNHEALTHY);
    expect(health.getLastStatus('payments')?.status).toBe(UNHEALTHY);
  });

  it("accepts the original's thresholds and leaves its indicator alone", async () => {
    const applied: Readonly<Record<string, number>>[] = [];
    const tunableThresholds: TunableThresholds = {
      defaults: { maxLag: 5 },
      validate: (values, where) => {
        if ((values.maxLag ?? 0) < 0) throw new HealthConfigurationError(where, values, '>= 0');
      },
      apply: (values) => applied.push(values),
    };
    const health = createTestHealthService({
      checks: [{ name: 'queue', tunableThresholds, check: () => ({ status: HEALTHY }) }],
      components: { queue: { thresholds: { maxLag: 9 } } },
    });
    expect(applied).toEqual([{ maxLag: 9 }]);
    const restore = await forceStatus(health, 'queue', UNHEALTHY);
    expect(applied).toEqual([{ maxLag: 9 }]);
    expect(health.isHealthy('queue')).toBe(false);
    await restore();
    expect(applied).toEqual([{ maxLag: 9 }, { maxLag: 9 }]);
    expect(health.isHealthy('queue')).toBe(true);
  });

  it('restores only while its replacement is in place, and once', async () => {
    const { definition, state } = fakeCheck('payments');
    const health = createTestHealthService({ checks: [definition] });
    const restore = await forceStatus(health, 'payments', UNHEALTHY);
    const mine = fakeCheck('payments', {});
    health.register(mine.definition, { replace: true });
    await restore();
    await health.check();
    expect([state.runs, mine.state.runs]).toEqual([0, 1]);

    const again = await forceStatus(health, 'payments', DEGRADED);
    await again();
    await again();
    expect(mine.state.runs).toBe(2);

    const removed = await forceStatus(health, 'payments', DEGRADED);
    health.unregister('payments');
    await removed();
    expect(health.has('payments')).toBe(false);
  });

  it('nests: each restore puts back what it replaced', async () => {
    const { definition } = fakeCheck('payments');
    const health = createTestHealthService({ checks: [definition] });
    const outer = await forceStatus(health, 'payments', DEGRADED);
    const inner = await forceStatus(health, 'payments', UNHEALTHY);
    await inner();
    expect(health.getLastStatus('payments')?.status).toBe(DEGRADED);
    await outer();
    expect(health.getLastStatus('payments')?.status).toBe(HEALTHY);
  });

  it('refuses an unknown component and what is not a status, naming them', async () => {
    const { definition } = fakeCheck('payments');
    const health = createTestHealthService({ checks: [definition] });
    await expect(forceStatus(health, 'paymnets', UNHEALTHY)).rejects.toThrow(
      new UnknownComponentError('paymnets'),
    );
    await expect(forceStatus(health, 'payments', 'down' as HealthStatus)).rejects.toThrow(
      'forceStatus("payments"): "down" is no status (expected healthy, degraded, unhealthy)',
    );
    await expect(forceStatus(health, 'payments', {} as IndicatorResult)).rejects.toThrow(
      'undefined is no status',
    );
    await expect(forceStatus(health, 'payments', null as never)).rejects.toThrow('is no status');
    expect(health.names()).toEqual(['payments']);
  });

  it("takes the app's engine when given an app", async () => {
    @Module({
      imports: [
        HealthModule.forRoot({
          exposeHttp: false,
          evaluationIntervalMs: 0,
          checks: [{ name: 'payments', check: () => ({ status: HEALTHY }) }],
        }),
      ],
    })
    class AppModule {}

    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    const app = await moduleRef.createNestApplication().init();
    try {
      await firstEvaluation(app);
      const restore = await forceStatus(app, 'payments', UNHEALTHY);
      expect(app.get(HealthService).isHealthy('payments')).toBe(false);
      await restore();
      expect(app.get(HealthService).isHealthy('payments')).toBe(true);
    } finally {
      await app.close();
    }
  });
});
