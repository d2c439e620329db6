import Redis from 'ioredis';
import { eventually } from '../../../../../test/support/eventually';
import { PrivateRedis } from '../../../../../test/support/redis-server';
import { HealthStatus } from '../../core/health-status';
import { HealthService } from '../../core/health.service';
import { HealthConfigurationError } from '../../shared/errors';
import type { CacheStats } from './cache.indicator';
import { CacheIndicator, DEFAULT_CACHE_MIN_OPERATIONS, REDIS_UNAVAILABLE } from './cache.indicator';

const stats = () => ({ hit_ratio: 0.5, operations_tracked: 10, backend: 'spoofed' });

/** Asked every 25 ms, for up to 5 s. */
const POLL = { timeoutMs: 5000, intervalMs: 25 };

describe('CacheIndicator', () => {
  it('is HEALTHY on the in-memory cache, with the cache figures', async () => {
    await expect(new CacheIndicator({ stats }).check()).resolves.toEqual({
      status: HealthStatus.HEALTHY,
      message: 'In-memory cache operational',
      metadata: { backend: 'memory', hit_ratio: 0.5, operations_tracked: 10 },
    });
    await expect(new CacheIndicator().check()).resolves.toMatchObject({
      metadata: { backend: 'memory' },
    });
  });

  it('does not let a broken stats source make the cache look broken', async () => {
    const broken = () => {
      throw new Error('stats bug');
    };
    await expect(new CacheIndicator({ stats: broken }).check()).resolves.toMatchObject({
      status: HealthStatus.HEALTHY,
      metadata: { backend: 'memory', stats_error: 'cache statistics unavailable' },
    });
  });

  it('is DEGRADED when a ready client fails its PING', async () => {
    const redis = {
      status: 'ready',
      ping: () => Promise.reject(new Error('LOADING Redis is loading')),
    };
    await expect(new CacheIndicator({ redis }).check()).resolves.toEqual({
      status: HealthStatus.DEGRADED,
      message: REDIS_UNAVAILABLE,
      metadata: {
        backend: 'memory',
        configured_backend: 'redis',
        redis_error: 'LOADING Redis is loading',
      },
    });
  });

  describe('thresholds', () => {
    /** Figures shaped as the host's CachePerformanceMonitor gives them. */
    const figures = (over: Partial<Record<string, number | null>> = {}): CacheStats => ({
      hit_ratio: 0.9,
      hits: 90,
      misses: 10,
      operations_tracked: 120,
      fallback_operations: 0,
      mean_operation_ms: 2,
      ...over,
    });
    const cacheWith = (stats: CacheStats, thresholds: object) =>
      new CacheIndicator({ stats: () => stats, thresholds }).check();

    it('are off by default: the worst figures stay HEALTHY', async () => {
      const bad = figures({ hit_ratio: 0, hits: 0, misses: 500, mean_operation_ms: 9000 });
      await expect(new CacheIndicator({ stats: () => bad }).check()).resolves.toMatchObject({
        status: HealthStatus.HEALTHY,
        message: 'In-memory cache operational',
      });
      await expect(cacheWith(bad, {})).resolves.toMatchObject({ status: HealthStatus.HEALTHY });
      await expect(cacheWith(bad, { minOperations: 1 })).resolves.toMatchObject({
        status: HealthStatus.HEALTHY,
      });
    });

    it('is DEGRADED below the minimum hit ratio, giving the figure and the threshold', async () => {
      const stats = figures({ hit_ratio: 0.42, hits: 42, misses: 58 });
      await expect(cacheWith(stats, { minHitRatio: 0.8 })).resolves.toEqual({
        status: HealthStatus.DEGRADED,
        message: 'Cache hit ratio 0.42 is below the threshold of 0.8 (over 100 reads)',
        metadata: { backend: 'memory', ...stats, threshold_breaches: ['hit_ratio'] },
      });
    });

    it('is DEGRADED above the maximum mean operation time, giving the figure and the threshold', async () => {
      const stats = figures({ mean_operation_ms: 12.5 });
      await expect(cacheWith(stats, { maxAverageOperationMs: 10 })).resolves.toEqual({
        status: HealthStatus.DEGRADED,
        message:
          'Mean cache operation time 12.5 ms is above the threshold of 10 ms (over 120 operations)',
        metadata: { backend: 'memory', ...stats, threshold_breaches: ['mean_operation_ms'] },
      });
    });

    it('names both breaches at once', async () => {
      const stats = figures({ hit_ratio: 0.5, hits: 50, misses: 50, mean_operation_ms: 30 });
      const result = await cacheWith(stats, { minHitRatio: 0.8, maxAverageOperationMs: 10 });
      expect(result.status).toBe(HealthStatus.DEGRADED);
      expect(result.message).toBe(
        'Cache hit ratio 0.5 is below the threshold of 0.8 (over 100 reads); ' +
          'Mean cache operation time 30 ms is above the threshold of 10 ms (over 120 operations)',
      );
      expect(result.metadata).toMatchObject({
        threshold_breaches: ['hit_ratio', 'mean_operation_ms'],
      });
    });

    it('stays HEALTHY at the limits exactly', async () => {
      const stats = figures({ hit_ratio: 0.8, mean_operation_ms: 10 });
      await expect(
        cacheWith(stats, { minHitRatio: 0.8, maxAverageOperationMs: 10 }),
      ).resolves.toMatchObject({
        status: HealthStatus.HEALTHY,
        message: 'In-memory cache operational',
      });
    });

    it(`judges nothing before ${DEFAULT_CACHE_MIN_OPERATIONS} operations by default`, async () => {
      const limits = { minHitRatio: 0.8, maxAverageOperationMs: 10 };
      const early = figures({
        hit_ratio: 0,
        hits: 0,
        misses: 19,
        operations_tracked: 19,
        mean_operation_ms: 50,
      });
      await expect(cacheWith(early, limits)).resolves.toMatchObject({
        status: HealthStatus.HEALTHY,
      });
      const enough = { ...early, misses: 20, operations_tracked: 20 };
      await expect(cacheWith(enough, limits)).resolves.toMatchObject({
        status: HealthStatus.DEGRADED,
        metadata: { threshold_breaches: ['hit_ratio', 'mean_operation_ms'] },
      });
    });

    it('judges the hit ratio over reads, not writes: many writes and few reads are too few', async () => {
      const stats = figures({ hit_ratio: 0, hits: 0, misses: 3, operations_tracked: 500 });
      await expect(cacheWith(stats, { minHitRatio: 0.5 })).resolves.toMatchObject({
        status: HealthStatus.HEALTHY,
      });
      // Figures without hits and misses: the operations count is the sample.
      const plain = { hit_ratio: 0.1, operations_tracked: 25 };
      await expect(cacheWith(plain, { minHitRatio: 0.5 })).resolves.toMatchObject({
        status: HealthStatus.DEGRADED,
        message: 'Cache hit ratio 0.1 is below the threshold of 0.5 (over 25 reads)',
      });
    });

    it('takes its minimum sample from minOperations', async () => {
      const stats = figures({ hits: 2, misses: 3, hit_ratio: 0.4, operations_tracked: 5 });
      await expect(cacheWith(stats, { minHitRatio: 0.5, minOperations: 6 })).resolves.toMatchObject(
        { status: HealthStatus.HEALTHY },
      );
      await expect(cacheWith(stats, { minHitRatio: 0.5, minOperations: 5 })).resolves.toMatchObject(
        { status: HealthStatus.DEGRADED },
      );
    });

    it('does not judge missing figures: a null hit ratio, no mean time, a broken stats source', async () => {
      const limits = { minHitRatio: 0.9, maxAverageOperationMs: 1, minOperations: 1 };
      const none = figures({ hit_ratio: null, mean_operation_ms: null });
      await expect(cacheWith(none, limits)).resolves.toMatchObject({
        status: HealthStatus.HEALTHY,
      });
      const uncounted = { hit_ratio: 0.1, mean_operation_ms: 100 };
      await expect(cacheWith(uncounted, limits)).resolves.toMatchObject({
        status: HealthStatus.HEALTHY,
      });
      const broken = () => {
        throw new Error('stats bug');
      };
      await expect(
        new CacheIndicator({ stats: broken, thresholds: limits }).check(),
      ).resolves.toMatchObject({
        status: HealthStatus.HEALTHY,
        metadata: { stats_error: 'cache statistics unavailable' },
      });
    });

    it('keeps a Redis outage as the reason when Redis is down', async () => {
      const redis = { status: 'reconnecting', ping: () => Promise.resolve('PONG') };
      const stats = figures({ hit_ratio: 0.1 });
      const result = await new CacheIndicator({
        redis,
        stats: () => stats,
        thresholds: { minHitRatio: 0.8 },
      }).check();
      expect(result).toMatchObject({ status: HealthStatus.DEGRADED, message: REDIS_UNAVAILABLE });
      expect(result.metadata).not.toHaveProperty('threshold_breaches');
    });

    it('judges the figures beside a healthy Redis too', async () => {
      const redis = { status: 'ready', ping: () => Promise.resolve('PONG') };
      const result = await new CacheIndicator({
        redis,
        stats: () => figures({ mean_operation_ms: 40 }),
        thresholds: { maxAverageOperationMs: 25 },
      }).check();
      expect(result).toMatchObject({
        status: HealthStatus.DEGRADED,
        message:
          'Mean cache operation time 40 ms is above the threshold of 25 ms (over 120 operations)',
        metadata: { backend: 'redis', threshold_breaches: ['mean_operation_ms'] },
      });
    });

    it.each([
      [{ minHitRatio: 1.5 }, 'cache.thresholds.minHitRatio', '1.5', 'a number from 0 to 1'],
      [{ minHitRatio: -0.1 }, 'cache.thresholds.minHitRatio', '-0.1', 'a number from 0 to 1'],
      [{ minHitRatio: '0.8' }, 'cache.thresholds.minHitRatio', '"0.8"', 'a number from 0 to 1'],
      [
        { maxAverageOperationMs: 0 },
        'cache.thresholds.maxAverageOperationMs',
        '0',
        'a number of ms > 0',
      ],
      [
        { maxAverageOperationMs: NaN },
        'cache.thresholds.maxAverageOperationMs',
        'NaN',
        'a number of ms > 0',
      ],
      [{ minOperations: 0 }, 'cache.thresholds.minOperations', '0', 'an integer >= 1'],
      [{ minOperations: 2.5 }, 'cache.thresholds.minOperations', '2.5', 'an integer >= 1'],
    ])('refuses %j, naming %s', (thresholds, setting, shown, expected) => {
      const build = () => new CacheIndicator({ thresholds: thresholds as never });
      expect(build).toThrow(HealthConfigurationError);
      expect(build).toThrow(`Invalid setting ${setting}: ${shown} (expected ${expected})`);
    });

    it('refuses thresholds that are not an object', () => {
      expect(() => new CacheIndicator({ thresholds: 5 as never })).toThrow(
        'Invalid setting cache.thresholds: 5',
      );
    });

    it('is judged through the engine as a DEGRADED cache component', async () => {
      let stats = figures();
      const service = new HealthService({
        checks: [new CacheIndicator({ stats: () => stats, thresholds: { minHitRatio: 0.75 } })],
        retries: 0,
        cacheTtlMs: 0,
      });
      try {
        await expect(service.checkComponent('cache')).resolves.toMatchObject({
          status: HealthStatus.HEALTHY,
        });
        stats = figures({ hit_ratio: 0.6, hits: 60, misses: 40 });
        await expect(service.checkComponent('cache')).resolves.toMatchObject({
          name: 'cache',
          status: HealthStatus.DEGRADED,
          message: 'Cache hit ratio 0.6 is below the threshold of 0.75 (over 100 reads)',
        });
      } finally {
        service.onModuleDestroy();
      }
    });
  });

  describe('against a real redis-server of its own', () => {
    let server: PrivateRedis;
    let redis: Redis;
    let health: HealthService;

    beforeAll(async () => {
      server = await PrivateRedis.start();
    });

    beforeEach(async () => {
      redis = new Redis(server.url, {
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        retryStrategy: () => 50,
      });
      redis.on('error', () => undefined);
      await eventually(() => redis.status === 'ready', { ...POLL, message: 'redis ready' });
      health = new HealthService({
        checks: [new CacheIndicator({ redis, stats })],
        defaultTimeoutMs: 300,
        retries: 0,
      });
    });

    afterEach(async () => {
      health.onModuleDestroy();
      redis.disconnect();
      server.resume();
      if (!(await pingable(server))) await server.restart();
    });

    afterAll(async () => {
      await server.stop();
    });

    async function pingable(s: PrivateRedis): Promise<boolean> {
      const probe = new Redis(s.url, {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        return (await probe.ping()) === 'PONG';
      } catch {
        return false;
      } finally {
        probe.disconnect();
      }
    }

    it('is HEALTHY when Redis is ready and answers PING, with ping time and cache figures', async () => {
      const status = await health.checkComponent('cache');
      expect(status).toMatchObject({
        status: HealthStatus.HEALTHY,
        message: 'Redis cache operational',
        metadata: { backend: 'redis', hit_ratio: 0.5, operations_tracked: 10 },
      });
      expect(status.metadata.ping_ms).toEqual(expect.any(Number));
      expect(status.metadata.ping_ms as number).toBeGreaterThanOrEqual(0);
    });

    it('is DEGRADED at once when Redis is killed, and HEALTHY again when it is back, same client', async () => {
      await server.kill();
      await eventually(() => redis.status !== 'ready', { ...POLL, message: 'client to notice' });
      const down = await health.checkComponent('cache');
      expect(down).toMatchObject({
        status: HealthStatus.DEGRADED,
        message: REDIS_UNAVAILABLE,
        metadata: { backend: 'memory', configured_backend: 'redis' },
      });
      // Failing fast: no waiting for the timeout.
      expect(down.response_time_ms).toBeLessThan(300);

      await server.restart();
      await eventually(() => redis.status === 'ready', { ...POLL, message: 'client to reconnect' });
      await expect(health.checkComponent('cache')).resolves.toMatchObject({
        status: HealthStatus.HEALTHY,
      });
    });

    it('ends at the timeout while Redis is stopped (SIGSTOP), and recovers on SIGCONT', async () => {
      server.pause();
      const hung = await health.checkComponent('cache');
      expect(hung).toMatchObject({
        status: HealthStatus.DEGRADED,
        message: 'cache timed out after 300 ms',
      });
      server.resume();
      await expect(health.checkComponent('cache')).resolves.toMatchObject({
        status: HealthStatus.HEALTHY,
      });
    });
  });
});
