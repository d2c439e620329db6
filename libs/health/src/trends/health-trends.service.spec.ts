import type { SystemHealthStatus } from '../core/health-status';
import { HealthStatus } from '../core/health-status';
import { HealthService } from '../core/health.service';
import type { HealthModuleOptions } from '../health.options';
import { HealthTrends } from './health-trends.service';
import { resolveTrendSettings } from './trend.options';
import type { TrendWindow } from '../shared/trend-window';
import { TrendStore, trendCapacity } from './trend.store';

const NOW = 1_795_000_000_000;
const MIN = 60_000;
const clock = { monotonicMs: () => 0, epochMs: () => NOW };
const healthy = (name: string) => ({ name, check: () => ({ status: HealthStatus.HEALTHY }) });

function setUp(options: HealthModuleOptions = {}) {
  const moduleOptions: HealthModuleOptions = {
    clock,
    checks: [healthy('cache'), healthy('db')],
    evaluationIntervalMs: MIN,
    trends: { retentionMs: 24 * 60 * MIN },
    ...options,
  };
  const health = new HealthService(moduleOptions);
  const settings = resolveTrendSettings(moduleOptions.trends, health.evaluationIntervalMs);
  const store = new TrendStore(trendCapacity(settings));
  return { health, store, trends: new HealthTrends(health, store, settings) };
}

/** A full report `minutesAgo` before NOW, every component healthy in `ms`. */
function report(minutesAgo: number, names: string[], ms = 2): SystemHealthStatus {
  return {
    overall_status: HealthStatus.HEALTHY,
    timestamp: (NOW - minutesAgo * MIN) / 1000,
    components: names.map((name) => ({
      name,
      status: HealthStatus.HEALTHY,
      message: `${name} ok`,
      response_time_ms: ms,
      metadata: { secret: 'never shown' },
    })),
  };
}

describe('HealthTrends', () => {
  it('analyses every sampled component over the last hour by default', () => {
    const { store, trends } = setUp();
    for (const minutesAgo of [90, 50, 20, 1]) store.record(report(minutesAgo, ['cache', 'db']));
    const result = trends.analyze();
    expect(result).toEqual({
      window: '1h',
      interval_ms: MIN,
      retention_ms: 24 * 60 * MIN,
      generated_at: NOW / 1000,
      components: {
        cache: expect.objectContaining({ samples: 3, availability_pct: 100, trend: 'stable' }),
        db: expect.objectContaining({ samples: 3 }),
      },
    });
    expect(JSON.stringify(result)).not.toMatch(/never shown|cache ok/);
  });

  it.each<[TrendWindow, number]>([
    ['15m', 1],
    ['1h', 3],
    ['6h', 4],
    ['24h', 5],
  ])('counts the samples of the %s window', (window, samples) => {
    const { store, trends } = setUp();
    for (const minutesAgo of [1000, 300, 50, 20, 1]) store.record(report(minutesAgo, ['cache']));
    expect(trends.analyze(window).components.cache.samples).toBe(samples);
  });

  it('drops and releases a component unregistered since its last sample', () => {
    const { health, store, trends } = setUp();
    store.record(report(1, ['cache', 'db']));
    health.unregister('db');
    expect(Object.keys(trends.analyze('15m').components)).toEqual(['cache']);
    expect(store.names()).toEqual(['cache']);
  });

  it('samples what the app drives when the engine schedules nothing (interval 0)', () => {
    const { store, trends } = setUp({ evaluationIntervalMs: 0 });
    store.record(report(1, ['cache']));
    expect(trends.analyze('15m')).toMatchObject({
      interval_ms: 10_000,
      components: { cache: { samples: 1 } },
    });
  });

  it('refuses a window that is not one of TREND_WINDOWS', () => {
    const { trends } = setUp();
    expect(() => trends.analyze('2h' as TrendWindow)).toThrow(
      new RangeError('window must be one of 15m, 1h, 6h, 24h'),
    );
  });
});
