import Redis from 'ioredis';
import { PrivateRedis } from '../../../../../test/support/redis-server';
import { HealthStatus } from '../../core/health-status';
import { HealthService } from '../../core/health.service';
import { CacheIndicator, REDIS_UNAVAILABLE } from './cache.indicator';

const stats = () => ({ hit_ratio: 0.5, operations_tracked: 10, backend: 'spoofed' });

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (condition()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

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
      await until(() => redis.status === 'ready', 'redis ready');
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
      await until(() => redis.status !== 'ready', 'client to notice');
      const down = await health.checkComponent('cache');
      expect(down).toMatchObject({
        status: HealthStatus.DEGRADED,
        message: REDIS_UNAVAILABLE,
        metadata: { backend: 'memory', configured_backend: 'redis' },
      });
      // Failing fast: no waiting for the timeout.
      expect(down.response_time_ms).toBeLessThan(300);

      await server.restart();
      await until(() => redis.status === 'ready', 'client to reconnect');
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
