import type { SystemHealthStatus } from '../core/health-status';
import { HealthStatus } from '../core/health-status';
import { MAX_SAMPLES_PER_COMPONENT, TrendStore, trendCapacity } from './trend.store';

const report = (timestamp: number, components: [string, HealthStatus, number][]) =>
  ({
    overall_status: HealthStatus.HEALTHY,
    timestamp,
    components: components.map(([name, status, response_time_ms]) => ({
      name,
      status,
      response_time_ms,
      message: `${name} message`,
      metadata: {},
    })),
  }) satisfies SystemHealthStatus;

describe('trendCapacity', () => {
  it('holds the retention at one sample per interval, plus the boundary sample', () => {
    expect(trendCapacity({ intervalMs: 10_000, retentionMs: 86_400_000 })).toBe(8641);
    expect(trendCapacity({ intervalMs: 7000, retentionMs: 60_000 })).toBe(10);
  });

  it('is 0 when collection is disabled, and bounded whatever the settings', () => {
    expect(trendCapacity({ intervalMs: 0, retentionMs: 1000 })).toBe(0);
    expect(trendCapacity({ intervalMs: 1, retentionMs: 86_400_000 })).toBe(
      MAX_SAMPLES_PER_COMPONENT,
    );
  });
});

describe('TrendStore', () => {
  it('records one sample per component, timed by the report, coded by status', () => {
    const store = new TrendStore(10);
    store.record(
      report(100, [
        ['cache', HealthStatus.HEALTHY, 1.5],
        ['db', HealthStatus.UNHEALTHY, 3],
      ]),
    );
    store.record(
      report(110.5, [
        ['cache', HealthStatus.DEGRADED, 2.5],
        ['db', HealthStatus.UNHEALTHY, 4],
      ]),
    );
    expect(store.names()).toEqual(['cache', 'db']);
    const cache = store.since('cache', 0)!;
    expect(Array.from(cache.times)).toEqual([100_000, 110_500]);
    expect(Array.from(cache.statuses)).toEqual([0, 1]);
    expect(Array.from(cache.responseTimesMs)).toEqual([1.5, 2.5]);
    expect(Array.from(store.since('db', 100_000)!.statuses)).toEqual([2]);
    expect(store.since('payments', 0)).toBeUndefined();
  });

  it('releases the buffers of components a report no longer carries', () => {
    const store = new TrendStore(10);
    store.record(
      report(1, [
        ['cache', HealthStatus.HEALTHY, 1],
        ['db', HealthStatus.HEALTHY, 1],
      ]),
    );
    const both = store.byteLength;
    store.record(report(2, [['cache', HealthStatus.HEALTHY, 1]]));
    expect(store.names()).toEqual(['cache']);
    expect(store.byteLength).toBe(both / 2);
    store.release('cache');
    expect(store.names()).toEqual([]);
    expect(store.byteLength).toBe(0);
  });

  it('records nothing when collection is disabled', () => {
    const store = new TrendStore(0);
    store.record(report(1, [['cache', HealthStatus.HEALTHY, 1]]));
    expect(store.names()).toEqual([]);
  });
});
