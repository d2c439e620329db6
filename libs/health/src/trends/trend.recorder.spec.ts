import { Logger } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { HealthModuleOptions } from '../health.options';
import { HealthStatus } from '../core/health-status';
import { HealthService } from '../core/health.service';
import { TREND_INTERVAL_NAME, TrendCollector } from './trend.collector';
import { TrendStore, trendCapacity } from './trend.store';

const dateClock = { monotonicMs: () => Date.now(), epochMs: () => Date.now() };

describe('TrendCollector', () => {
  let collector: TrendCollector | undefined;
  let health: HealthService;
  let store: TrendStore;
  let registry: SchedulerRegistry;
  let evaluations: number;

  /** A collector on a real SchedulerRegistry, sampling one check that takes `checkMs`. */
  function setUp(options: HealthModuleOptions & { checkMs?: number } = {}): TrendCollector {
    const { checkMs = 0, ...rest } = options;
    evaluations = 0;
    health = new HealthService({
      clock: dateClock,
      defaultTimeoutMs: 60_000,
      trends: { intervalMs: 1000, retentionMs: 60_000 },
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
    });
    store = new TrendStore(trendCapacity(health.settings.trends));
    registry = new SchedulerRegistry();
    collector = new TrendCollector(health, store, registry);
    collector.onApplicationBootstrap();
    return collector;
  }

  const samples = () => store.since('payments', -Infinity)?.times.length ?? 0;

  beforeEach(() => {
    jest.useFakeTimers({ now: 1_795_000_000_000 });
  });

  afterEach(() => {
    collector?.onModuleDestroy();
    health.onModuleDestroy();
    collector = undefined;
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('runs a full evaluation every interval and records one sample per component', async () => {
    setUp();
    expect(registry.getIntervals()).toEqual([TREND_INTERVAL_NAME]);
    await jest.advanceTimersByTimeAsync(3000);
    expect(evaluations).toBe(3);
    expect(samples()).toBe(3);
    expect(Array.from(store.since('payments', -Infinity)!.times)).toEqual([
      1_795_000_001_000, 1_795_000_002_000, 1_795_000_003_000,
    ]);
  });

  it('records a report served again from cache only once', async () => {
    setUp({ cacheTtlMs: 2500 });
    await jest.advanceTimersByTimeAsync(4000);
    // The result of the 1 s tick is cached until 3.5 s: the 2 s and 3 s ticks get the same
    // report back; the 4 s tick runs afresh. Four ticks, two reports, two samples.
    expect(evaluations).toBe(2);
    expect(samples()).toBe(2);
  });

  it('skips ticks while an evaluation is slower than the interval, and says so once per run of skips', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    setUp({ checkMs: 2500 });
    // Evaluations start at 1 s (ends 3.5 s), 4 s (ends 6.5 s) and 7 s; the ticks between skip.
    await jest.advanceTimersByTimeAsync(7000);
    expect(evaluations).toBe(3);
    expect(samples()).toBe(2);
    expect(warn.mock.calls.map(([line]) => line)).toEqual([
      'Trend sample skipped: the previous evaluation is still running',
      'Trend sample skipped: the previous evaluation is still running',
    ]);
  });

  it('logs a failed round, masked, and keeps sampling', async () => {
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    setUp({ secrets: ['hunter2-key'] });
    jest.spyOn(health, 'check').mockRejectedValueOnce(new Error('store down, key hunter2-key'));
    await jest.advanceTimersByTimeAsync(1000);
    expect(error).toHaveBeenCalledWith('Trend sampling failed: store down, key ***');
    jest.spyOn(store, 'record').mockImplementationOnce(() => {
      throw 'not an Error';
    });
    await jest.advanceTimersByTimeAsync(1000);
    expect(error).toHaveBeenLastCalledWith('Trend sampling failed: not an Error');
    await jest.advanceTimersByTimeAsync(1000);
    expect(samples()).toBe(1);
  });

  it('does nothing when the interval is 0', async () => {
    setUp({ trends: { intervalMs: 0 } });
    expect(registry.getIntervals()).toEqual([]);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(evaluations).toBe(0);
    expect(store.names()).toEqual([]);
  });

  it('removes its interval on destroy and records nothing after', async () => {
    setUp({ checkMs: 500 });
    await jest.advanceTimersByTimeAsync(1200);
    collector!.onModuleDestroy();
    expect(registry.getIntervals()).toEqual([]);
    await jest.advanceTimersByTimeAsync(10_000);
    // The round in flight at destroy finished, unrecorded; no round started after.
    expect(evaluations).toBe(1);
    expect(samples()).toBe(0);
    await collector!.tick();
    expect(evaluations).toBe(1);
    expect(() => collector!.onModuleDestroy()).not.toThrow();
  });

  it('never keeps the process alive by itself', () => {
    jest.useRealTimers();
    setUp({ trends: { intervalMs: 60_000 } });
    expect(registry.getInterval(TREND_INTERVAL_NAME).hasRef()).toBe(false);
  });
});
