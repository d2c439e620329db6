import type { INestApplication, LoggerService } from '@nestjs/common';
import { ConsoleLogger, Injectable, Module } from '@nestjs/common';
import { Interval, ScheduleModule, SchedulerRegistry } from '@nestjs/schedule';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { HealthModule } from '../health.module';
import type { HealthModuleOptions } from '../health.options';
import { dateClock } from '../testing/clocks';
import { HealthTrends } from '../trends/health-trends.service';
import { HEALTH_EVALUATION_JOB } from './evaluation-job';
import { HealthStatus } from './health-status';
import { HealthService } from './health.service';

/** Keeps what was logged, by level. */
class Recorded extends ConsoleLogger {
  readonly lines: string[] = [];
  override log(message: unknown): void {
    this.lines.push(`log ${String(message)}`);
  }
  override warn(message: unknown): void {
    this.lines.push(`warn ${String(message)}`);
  }
  override error(message: unknown): void {
    this.lines.push(`error ${String(message)}`);
  }
}

/** A job of the app's own, under the name the engine wants. */
@Injectable()
class SquattingJob {
  @Interval(HEALTH_EVALUATION_JOB, 60_000)
  run(): void {}
}

@Module({ providers: [SquattingJob] })
class SquattingModule {}

describe('the periodic evaluation in SchedulerRegistry (@nestjs/schedule)', () => {
  let app: INestApplication | undefined;
  let runs: number;

  beforeEach(() => {
    runs = 0;
    jest.useFakeTimers({ now: 1_795_000_000_000, doNotFake: ['nextTick', 'setImmediate'] });
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
    jest.useRealTimers();
  });

  async function boot(
    imports: unknown[],
    options: HealthModuleOptions = {},
    logger: LoggerService | false = false,
  ): Promise<INestApplication> {
    const moduleRef = await Test.createTestingModule({
      imports: [
        ...(imports as never[]),
        HealthModule.forRoot({
          clock: dateClock,
          evaluationIntervalMs: 1000,
          defaultTimeoutMs: 500,
          cacheTtlMs: 0,
          recordTrends: true,
          checks: [{ name: 'payments', check: () => (runs++, { status: HealthStatus.HEALTHY }) }],
          ...options,
        }),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger });
    await app.init();
    return app;
  }

  const verbose = (path: string) => request(app!.getHttpServer()).get(`/v1/health/${path}?verbose`);

  it('is listed as "health-evaluation", runs the engine, and says so in one log line', async () => {
    const logger = new Recorded();
    const nest = await boot([ScheduleModule.forRoot()], {}, logger);
    const registry = nest.get(SchedulerRegistry);
    expect(registry.getIntervals()).toEqual([HEALTH_EVALUATION_JOB]);
    expect(logger.lines.filter((line) => line.includes('SchedulerRegistry'))).toEqual([
      'log Health evaluation scheduled every 1000 ms as SchedulerRegistry interval "health-evaluation"',
    ]);
    await jest.advanceTimersByTimeAsync(3000);
    // The evaluation at bootstrap, then one a second.
    expect(runs).toBe(4);
    expect(nest.get(HealthTrends).analyze('15m').components.payments.samples).toBe(4);
  });

  it('stops with deleteInterval: probes and metrics-to-be see the state age; addInterval starts it again', async () => {
    const nest = await boot([ScheduleModule.forRoot()]);
    const registry = nest.get(SchedulerRegistry);
    const health = nest.get(HealthService);
    await jest.advanceTimersByTimeAsync(1000);
    expect((await verbose('live')).text).toBe(
      '[+]process ok\n[+]evaluation ok (every 1.0 s, last 0.0 s ago)\nlive check passed\n',
    );

    registry.deleteInterval(HEALTH_EVALUATION_JOB);
    await jest.advanceTimersByTimeAsync(1900);
    expect(runs).toBe(2);
    expect(health.evaluationSchedule).toEqual({ intervalMs: 1000, ageMs: 1900, overdue: false });
    // Two intervals and the longest timeout (0.5 s) without one: overdue, and the probes say so
    // (readiness runs its checks itself, and still passes).
    await jest.advanceTimersByTimeAsync(700);
    expect(health.evaluationSchedule).toEqual({ intervalMs: 1000, ageMs: 2600, overdue: true });
    const ready = await verbose('ready').expect(200);
    expect(ready.text).toBe(
      '[+]payments ok (checked 0.0 s ago)\n[+]evaluation overdue (last 2.6 s ago, expected every 1.0 s)\nreadiness check passed\n',
    );
    const sampled = nest.get(HealthTrends).analyze('15m').components.payments.samples;

    // Started again the way the docs say: the engine's tick() on the app's interval.
    registry.addInterval(
      HEALTH_EVALUATION_JOB,
      setInterval(() => void health.tick(), health.evaluationIntervalMs),
    );
    await jest.advanceTimersByTimeAsync(1000);
    expect(health.evaluationSchedule).toEqual({ intervalMs: 1000, ageMs: 0, overdue: false });
    expect(nest.get(HealthTrends).analyze('15m').components.payments.samples).toBe(sampled + 1);
  });

  it('keeps its own timer, unlisted, without ScheduleModule', async () => {
    const nest = await boot([]);
    expect(() => nest.get(SchedulerRegistry, { strict: false })).toThrow();
    await jest.advanceTimersByTimeAsync(2000);
    expect(runs).toBe(3);
  });

  it('lists nothing when the app drives the evaluations (evaluationIntervalMs: 0)', async () => {
    const logger = new Recorded();
    const nest = await boot([ScheduleModule.forRoot()], { evaluationIntervalMs: 0 }, logger);
    expect(nest.get(SchedulerRegistry).getIntervals()).toEqual([]);
    expect(logger.lines).toContain(
      'log Periodic health evaluation off (evaluationIntervalMs: 0): nothing in SchedulerRegistry',
    );
    await jest.advanceTimersByTimeAsync(5000);
    expect(runs).toBe(1);
    expect((await verbose('live')).text).toMatch(
      /\[\+\]evaluation ok \(driven by the app: last 5\.0 s ago\)/,
    );
  });

  it('runs unlisted, with a warning, when the app took the name', async () => {
    const logger = new Recorded();
    const nest = await boot([ScheduleModule.forRoot(), SquattingModule], {}, logger);
    expect(nest.get(SchedulerRegistry).getIntervals()).toEqual([HEALTH_EVALUATION_JOB]);
    expect(logger.lines).toContain(
      'warn SchedulerRegistry already has an interval "health-evaluation": the health evaluation runs unlisted',
    );
    await jest.advanceTimersByTimeAsync(2000);
    expect(runs).toBe(3);
  });
});
