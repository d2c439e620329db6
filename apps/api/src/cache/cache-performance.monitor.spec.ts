import { CachePerformanceMonitor } from './cache-performance.monitor';

describe('CachePerformanceMonitor', () => {
  it('has no ratio or mean before any operation', () => {
    expect(new CachePerformanceMonitor().stats()).toEqual({
      hit_ratio: null,
      hits: 0,
      misses: 0,
      operations_tracked: 0,
      fallback_operations: 0,
      mean_operation_ms: null,
    });
  });

  it('counts hits, misses and fallbacks, and averages latency', () => {
    const monitor = new CachePerformanceMonitor();
    monitor.record('hit', 1, false);
    monitor.record('hit', 2, false);
    monitor.record('miss', 3, true);
    monitor.record('write', 6, true);
    expect(monitor.stats()).toEqual({
      hit_ratio: 0.667,
      hits: 2,
      misses: 1,
      operations_tracked: 4,
      fallback_operations: 2,
      mean_operation_ms: 3,
    });
  });

  it('averages over a fixed window of the latest operations', () => {
    const monitor = new CachePerformanceMonitor({ latencyWindow: 3 });
    for (const ms of [100, 100, 100, 1, 2, 3]) monitor.record('delete', ms, false);
    expect(monitor.stats()).toMatchObject({ operations_tracked: 6, mean_operation_ms: 2 });
  });

  it('shows why Redis cannot be reached until it can', () => {
    const monitor = new CachePerformanceMonitor();
    monitor.noteConnectionError('TLS certificate verification failed: unable to verify');
    expect(monitor.stats()).toMatchObject({
      redis_connection_error: 'TLS certificate verification failed: unable to verify',
    });
    monitor.noteConnectionError(undefined);
    expect(monitor.stats()).not.toHaveProperty('redis_connection_error');
  });

  it('announces each operation with its tier to its listeners, until they stop', () => {
    const monitor = new CachePerformanceMonitor();
    const seen: unknown[] = [];
    const stop = monitor.onOperation((event) => seen.push(event));
    monitor.onOperation(() => {
      throw new Error('a broken listener breaks nothing');
    });
    monitor.record('hit', 1.5, false);
    monitor.record('miss', 2, true);
    monitor.record('write', 0.5, false, 'memory');
    stop();
    monitor.record('delete', 1, false);
    expect(seen).toEqual([
      { operation: 'hit', tier: 'redis', durationMs: 1.5 },
      { operation: 'miss', tier: 'memory', durationMs: 2 },
      { operation: 'write', tier: 'memory', durationMs: 0.5 },
    ]);
    expect(monitor.stats()).toMatchObject({ operations_tracked: 4 });
  });

  it('says whether the memory fallback serves, as its owner tells it', () => {
    expect(new CachePerformanceMonitor().fallbackActive()).toBe(false);
    let fallback = true;
    const monitor = new CachePerformanceMonitor({ fallbackActive: () => fallback });
    expect(monitor.fallbackActive()).toBe(true);
    fallback = false;
    expect(monitor.fallbackActive()).toBe(false);
  });
});
