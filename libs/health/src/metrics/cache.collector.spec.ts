import { Counter, Registry } from 'prom-client';
import { HealthConfigurationError } from '../shared/errors';
import { CACHE_METRIC_NAMES as N } from '../formats/metric-names';
import { parseMetrics, select, valueOf } from '../testing/prometheus-text';
import type { CacheMetricsSource, CacheOperationEvent } from './cache.collector';
import { CACHE_DURATION_BUCKETS, CacheMetricsCollector } from './cache.collector';

/** A cache monitor as a host writes one: it announces operations and says whether it falls back. */
class Monitor implements CacheMetricsSource {
  fallback = false;
  broken = false;
  readonly listeners = new Set<(event: CacheOperationEvent) => void>();

  onOperation(listener: (event: CacheOperationEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  fallbackActive(): boolean {
    if (this.broken) throw new Error('monitor bug');
    return this.fallback;
  }

  emit(operation: string, tier: string, durationMs: number): void {
    const event = { operation, tier, durationMs } as CacheOperationEvent;
    for (const listener of this.listeners) listener(event);
  }
}

describe('CacheMetricsCollector', () => {
  let registry: Registry;
  let monitor: Monitor;
  let collector: CacheMetricsCollector;

  beforeEach(() => {
    registry = new Registry();
    monitor = new Monitor();
    collector = new CacheMetricsCollector(monitor);
  });

  afterEach(() => collector.detach(registry));

  const scrape = async () => parseMetrics(await registry.metrics());

  it('starts every tier at zero, so rate() works from the first scrape', async () => {
    expect(collector.attach(registry)).toEqual([]);
    const samples = await scrape();
    for (const tier of ['redis', 'memory']) {
      expect(valueOf(samples, N.hits, { tier })).toBe(0);
      expect(valueOf(samples, N.misses, { tier })).toBe(0);
      for (const operation of ['hit', 'miss', 'write', 'delete']) {
        expect(valueOf(samples, `${N.operationDuration}_count`, { operation, tier })).toBe(0);
        expect(select(samples, `${N.operationDuration}_bucket`, { operation, tier })).toHaveLength(
          CACHE_DURATION_BUCKETS.length + 1,
        );
      }
    }
    expect(valueOf(samples, N.memoryFallbackActive)).toBe(0);
  });

  it('counts hits and misses by tier and times every operation', async () => {
    collector.attach(registry);
    monitor.emit('hit', 'redis', 0.4);
    monitor.emit('hit', 'redis', 0.6);
    monitor.emit('miss', 'redis', 2);
    monitor.emit('hit', 'memory', 0.05);
    monitor.emit('write', 'memory', 0.2);
    monitor.emit('delete', 'redis', 1500);
    const samples = await scrape();
    expect(valueOf(samples, N.hits, { tier: 'redis' })).toBe(2);
    expect(valueOf(samples, N.hits, { tier: 'memory' })).toBe(1);
    expect(valueOf(samples, N.misses, { tier: 'redis' })).toBe(1);
    expect(valueOf(samples, N.misses, { tier: 'memory' })).toBe(0);
    const hitSum = valueOf(samples, `${N.operationDuration}_sum`, {
      operation: 'hit',
      tier: 'redis',
    });
    expect(hitSum).toBeCloseTo(0.001, 9);
    expect(
      valueOf(samples, `${N.operationDuration}_count`, { operation: 'hit', tier: 'redis' }),
    ).toBe(2);
    expect(
      valueOf(samples, `${N.operationDuration}_bucket`, {
        operation: 'hit',
        tier: 'redis',
        le: '0.0005',
      }),
    ).toBe(1);
    // 1.5 s is past the last bucket: only +Inf holds it.
    const slow = { operation: 'delete', tier: 'redis' };
    expect(valueOf(samples, `${N.operationDuration}_bucket`, { ...slow, le: '1' })).toBe(0);
    expect(valueOf(samples, `${N.operationDuration}_bucket`, { ...slow, le: '+Inf' })).toBe(1);
  });

  it('reads the fallback at each scrape, and keeps the last value when the source fails', async () => {
    collector.attach(registry);
    monitor.fallback = true;
    expect(valueOf(await scrape(), N.memoryFallbackActive)).toBe(1);
    monitor.broken = true;
    expect(valueOf(await scrape(), N.memoryFallbackActive)).toBe(1);
    monitor.broken = false;
    monitor.fallback = false;
    expect(valueOf(await scrape(), N.memoryFallbackActive)).toBe(0);
  });

  it('turns nothing but the known tiers and operations into labels', async () => {
    collector.attach(registry);
    monitor.emit('hit', 'user:42:session', 1);
    monitor.emit('secret-key', 'redis', 1);
    monitor.emit('hit', 'redis', Number.NaN);
    monitor.emit('miss', 'memory', -5);
    const samples = await scrape();
    const values = new Set(samples.flatMap((s) => [s.labels.tier, s.labels.operation]));
    values.delete(undefined as unknown as string);
    expect([...values].sort()).toEqual(['delete', 'hit', 'memory', 'miss', 'redis', 'write']);
    // A bad duration still counts the hit or miss, and times nothing.
    expect(valueOf(samples, N.hits, { tier: 'redis' })).toBe(1);
    expect(valueOf(samples, N.misses, { tier: 'memory' })).toBe(1);
    const counts = select(samples, `${N.operationDuration}_count`);
    expect(counts.every((s) => s.value === 0)).toBe(true);
  });

  it('stops listening and removes its metrics when detached; attaching again listens once', async () => {
    collector.attach(registry);
    collector.attach(registry);
    expect(monitor.listeners.size).toBe(1);
    monitor.emit('hit', 'redis', 1);
    expect(valueOf(await scrape(), N.hits, { tier: 'redis' })).toBe(1);
    collector.detach(registry);
    expect(monitor.listeners.size).toBe(0);
    expect(await registry.metrics()).toBe('\n');
    collector.detach(registry);
  });

  it('takes over the names another instance left behind, and says which', () => {
    const other = new CacheMetricsCollector(new Monitor());
    other.attach(registry);
    expect(collector.attach(registry).sort()).toEqual(Object.values(N).sort());
    other.detach(registry);
    // The newer one's metrics stay: the old one removes only its own.
    expect(registry.getSingleMetric(N.hits)).toBeDefined();
  });

  it('leaves a metric of another name alone', async () => {
    const own = new Counter({ name: 'app_requests_total', help: 'x', registers: [registry] });
    collector.attach(registry);
    collector.detach(registry);
    expect(registry.getSingleMetric('app_requests_total')).toBe(own);
  });

  it('takes its own buckets, and refuses bad ones naming the setting', async () => {
    const custom = new CacheMetricsCollector(monitor, { buckets: [0.001, 0.01] });
    custom.attach(registry);
    monitor.emit('write', 'redis', 5);
    const buckets = select(await scrape(), `${N.operationDuration}_bucket`, {
      operation: 'write',
      tier: 'redis',
    });
    expect(buckets.map((s) => [s.labels.le, s.value])).toEqual([
      ['0.001', 0],
      ['0.01', 1],
      ['+Inf', 1],
    ]);
    custom.detach(registry);
    for (const buckets of [[], [0.01, 0.001], [0, 1], ['0.1'], 'fast', [Infinity]]) {
      const build = () => new CacheMetricsCollector(monitor, { buckets: buckets as number[] });
      expect(build).toThrow(HealthConfigurationError);
      expect(build).toThrow(
        /^Invalid setting cache metrics buckets: .* \(expected increasing numbers of seconds > 0\)$/,
      );
    }
  });
});
