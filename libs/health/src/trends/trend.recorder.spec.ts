import type { HealthModuleOptions } from '../health.options';
import { HealthStatus } from '../core/health-status';
import { HealthService } from '../core/health.service';
import { dateClock } from '../testing/clocks';
import { resolveTrendSettings } from './trend.options';
import { TrendRecorder } from './trend.recorder';
import { TrendStore, trendCapacity } from './trend.store';

describe('TrendRecorder on the engine’s periodic evaluation', () => {
  let recorder: TrendRecorder | undefined;
  let health: HealthService;
  let store: TrendStore;
  let evaluations: number;

  /** An engine evaluating every second, one check that takes `checkMs`, and a recorder. */
  function setUp(options: HealthModuleOptions & { checkMs?: number } = {}): void {
    const { checkMs = 0, ...rest } = options;
    evaluations = 0;
    const moduleOptions: HealthModuleOptions = {
      clock: dateClock,
      defaultTimeoutMs: 60_000,
      evaluationIntervalMs: 1000,
      trends: { retentionMs: 60_000 },
      checks: [
        {
          name: 'payments',
          check: async () => {
            evaluations++;
            if (checkMs > 0) await new Promise((resolve) => setTimeout(resolve, checkMs));
            return { status: HealthStatus.HEALTHY };
          },
        },
      ],
      ...rest,
    };
    health = new HealthService(moduleOptions);
    store = new TrendStore(
      trendCapacity(resolveTrendSettings(moduleOptions.trends, health.evaluationIntervalMs)),
    );
    recorder = new TrendRecorder(health, store);
    recorder.onModuleInit();
    health.onApplicationBootstrap();
  }

  const samples = () => store.since('payments', -Infinity)?.times.length ?? 0;

  beforeEach(() => {
    jest.useFakeTimers({ now: 1_795_000_000_000 });
  });

  afterEach(() => {
    recorder?.onModuleDestroy();
    health.onModuleDestroy();
    recorder = undefined;
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('records one sample per component of every scheduled evaluation, evenly spaced', async () => {
    setUp();
    await jest.advanceTimersByTimeAsync(3000);
    expect(evaluations).toBe(4);
    expect(Array.from(store.since('payments', -Infinity)!.times)).toEqual([
      1_795_000_000_000, 1_795_000_001_000, 1_795_000_002_000, 1_795_000_003_000,
    ]);
  });

  it('does not sample evaluations that traffic asked for', async () => {
    setUp();
    await jest.advanceTimersByTimeAsync(0);
    await health.check();
    await health.check();
    expect(evaluations).toBe(3);
    expect(samples()).toBe(1);
  });

  it('records a report served again from cache only once', async () => {
    setUp({ cacheTtlMs: 2500 });
    await jest.advanceTimersByTimeAsync(3000);
    // The result at 0 s is cached until 2.5 s: the 1 s and 2 s evaluations get the same report
    // back and publish nothing; the 3 s one runs afresh. Two reports, two samples.
    expect(evaluations).toBe(2);
    expect(samples()).toBe(2);
  });

  it('shares an evaluation slower than the interval instead of piling them up', async () => {
    setUp({ checkMs: 2500 });
    // Evaluations start at 0 s (ends 2.5 s) and 3 s (ends 5.5 s), 6 s; the ticks between share.
    await jest.advanceTimersByTimeAsync(6000);
    expect(evaluations).toBe(3);
    expect(samples()).toBe(2);
  });

  // Trends off is no recorder at all: HealthModule provides one only with trends or the status
  // page (health.module.spec.ts).
  it('samples the evaluations the app drives (tick()) when the engine schedules none', async () => {
    setUp({ evaluationIntervalMs: 0 });
    await jest.advanceTimersByTimeAsync(5000);
    // The evaluation at bootstrap is the first sample; one that traffic asks for is none.
    await health.check();
    expect([evaluations, samples()]).toEqual([2, 1]);
    // The app's own schedule (a job of its own in SchedulerRegistry, say) calls tick().
    await jest.advanceTimersByTimeAsync(10_000);
    await health.tick();
    expect([evaluations, samples()]).toEqual([3, 2]);
    expect(store.capacity).toBe(7);
  });

  it('records nothing after destroy', async () => {
    setUp();
    await jest.advanceTimersByTimeAsync(1000);
    recorder!.onModuleDestroy();
    await jest.advanceTimersByTimeAsync(3000);
    expect(samples()).toBe(2);
    expect(() => recorder!.onModuleDestroy()).not.toThrow();
  });

  it('never keeps the process alive by itself', () => {
    jest.useRealTimers();
    setUp();
    const timer = (health as unknown as { timer: NodeJS.Timeout }).timer;
    expect(timer.hasRef()).toBe(false);
  });
});
