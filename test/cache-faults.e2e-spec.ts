import { HealthService, HealthStatus } from '@nest-health/core';
import type { INestApplication } from '@nestjs/common';
import Redis from 'ioredis';
import request from 'supertest';
import { CacheService } from '../apps/api/src/cache/cache.service';
import { createApiApp } from './support/api-app';
import { eventually } from './support/eventually';
import { PrivateRedis } from './support/redis-server';

describe('cache faults with a real Redis of the test’s own (apps/api)', () => {
  let redis: PrivateRedis;
  let app: INestApplication;

  beforeAll(async () => {
    redis = await PrivateRedis.start();
  });

  afterAll(async () => {
    await redis.stop();
  });

  beforeEach(async () => {
    app = await createApiApp({
      GEMINI_API_KEY: 'k-test-1234',
      REDIS_URL: redis.url,
      HEALTH_CHECK_CACHE_TIMEOUT_MS: '300',
      HEALTH_CHECK_RETRY_COUNT: '0',
      // Longer than the check timeout, so that a hung Redis is cut off by the engine.
      REDIS_COMMAND_TIMEOUT_MS: '1000',
    });
    const cache = app.get(CacheService);
    await eventually(async () => cache.backend, {
      until: (backend) => backend === 'redis',
      timeoutMs: 5000,
    });
  });

  afterEach(async () => {
    redis.resume();
    await app.close();
    await redis.kill();
    await redis.restart();
  });

  const legacy = async () =>
    (await request(app.getHttpServer()).get('/v1/health').expect(200)).body;
  const cacheStatus = () => app.get(HealthService).getLastStatus('cache');

  it('reports Redis HEALTHY with ping time and the cache figures, and really caches in Redis', async () => {
    const cache = app.get(CacheService);
    await cache.set('greeting', 'hello', 60_000);
    expect(await cache.get('greeting')).toBe('hello');
    expect(await cache.get('absent')).toBeUndefined();
    const direct = new Redis(redis.url);
    try {
      expect(await direct.get('api:cache:greeting')).toBe('hello');
    } finally {
      direct.disconnect();
    }

    expect(await legacy()).toMatchObject({ status: 'healthy', cache_healthy: true });
    expect(cacheStatus()).toMatchObject({
      status: HealthStatus.HEALTHY,
      message: 'Redis cache operational',
      metadata: {
        backend: 'redis',
        ping_ms: expect.any(Number),
        hit_ratio: 0.5,
        hits: 1,
        misses: 1,
        operations_tracked: 3,
        mean_operation_ms: expect.any(Number),
      },
    });
  });

  it('killed mid-run: DEGRADED within one check, keeps serving from memory, recovers by itself', async () => {
    const cache = app.get(CacheService);
    await redis.kill();
    await eventually(async () => cache.backend, {
      until: (backend) => backend === 'memory',
      timeoutMs: 5000,
    });

    expect(await legacy()).toMatchObject({ status: 'degraded', cache_healthy: false });
    expect(cacheStatus()).toMatchObject({
      status: HealthStatus.DEGRADED,
      message: 'Redis unavailable, serving from memory',
      metadata: { backend: 'memory', configured_backend: 'redis' },
    });
    await cache.set('k', 'from-memory', 60_000);
    expect(await cache.get('k')).toBe('from-memory');
    expect(cache.monitor.stats().fallback_operations).toBe(2);

    await redis.restart();
    const body = await eventually(legacy, {
      until: (b) => b.cache_healthy === true,
      timeoutMs: 5000,
    });
    expect(body.status).toBe('healthy');
    expect(cache.backend).toBe('redis');
  });

  it('SIGSTOP: /v1/health answers at once, the check ends at its timeout and says so, SIGCONT heals', async () => {
    redis.pause();
    const started = performance.now();
    await legacy();
    // Within the response budget (the last known state while the evaluation goes on).
    expect(performance.now() - started).toBeLessThan(300 + 100);
    const status = await eventually(cacheStatus, {
      until: (s) => s?.message === 'cache timed out after 300 ms',
      timeoutMs: 3000,
    });
    expect(status?.status).toBe('degraded');
    const body = await eventually(legacy, { until: (b) => b.cache_healthy === false });
    expect(body).toMatchObject({ status: 'degraded', ai_model_available: true });

    // The rest of the service keeps working: cache operations fall back after one command timeout.
    const cache = app.get(CacheService);
    await cache.set('during-stop', 'v', 60_000);
    expect(await cache.get('during-stop')).toBe('v');

    redis.resume();
    await eventually(legacy, { until: (b) => b.cache_healthy === true, timeoutMs: 5000 });
  });
});
