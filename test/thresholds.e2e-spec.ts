import { HealthService, HealthStatus } from '@nest-health/core';
import { CircuitBreakerRegistry } from '@nest-health/core/resilience';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { CacheService } from '../apps/api/src/cache/cache.service';
import { BREAKER_NAMES } from '../apps/api/src/resilience/resilience-presets';

/** One operation's breaker, opened by hand through the registry. */
const BREAKER = BREAKER_NAMES.summarize;
import { createApiApp } from './support/api-app';

/** Set by these tests; cleared after each so that none leaks into another test. */
const VARIABLES = [
  'HEALTH_CACHE_MIN_HIT_RATIO',
  'HEALTH_CACHE_MAX_AVG_OPERATION_MS',
  'HEALTH_CACHE_MIN_OPERATIONS',
  'HEALTH_RESILIENCE_DEGRADED_WHEN_OPEN',
  'HEALTH_RESILIENCE_UNHEALTHY_WHEN_OPEN',
];

describe('cache and resilience thresholds through apps/api', () => {
  let app: INestApplication | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
    for (const name of VARIABLES) delete process.env[name];
  });

  const openAiProviderBreaker = async (target: INestApplication) => {
    const registry = target.get(CircuitBreakerRegistry);
    const failing = () => Promise.reject(new Error('ai provider down'));
    const state = () => registry.snapshot().find((b) => b.name === BREAKER)?.state;
    // Fail real calls through the breaker until it opens.
    for (let i = 0; i < 50 && state() !== 'open'; i++) {
      await registry.execute(BREAKER, failing).catch(() => undefined);
    }
    expect(state()).toBe('open');
  };

  it('HEALTH_RESILIENCE_UNHEALTHY_WHEN_OPEN=1 makes resilience UNHEALTHY when summarize_text opens', async () => {
    app = await createApiApp({
      GEMINI_API_KEY: 'k-1234',
      HEALTH_RESILIENCE_UNHEALTHY_WHEN_OPEN: '1',
    });
    await request(app.getHttpServer()).get('/v1/health').expect(200);
    expect(app.get(HealthService).getLastStatus('resilience')?.status).toBe(HealthStatus.HEALTHY);

    await openAiProviderBreaker(app);

    const { body } = await request(app.getHttpServer()).get('/v1/health').expect(200);
    expect(body).toMatchObject({ status: 'degraded', resilience_healthy: false });
    const health = app.get(HealthService);
    expect(health.getLastStatus('resilience')).toMatchObject({
      status: HealthStatus.UNHEALTHY,
      message: 'Open circuit breakers: summarize_text (1 open; degraded at 1, unhealthy at 1)',
      metadata: { open_circuit_breakers: ['summarize_text'] },
    });
    expect(health.getLastReport()?.overall_status).toBe(HealthStatus.UNHEALTHY);
  });

  it('without the variables an open summarize_text breaker stays DEGRADED, as the template says', async () => {
    app = await createApiApp({ GEMINI_API_KEY: 'k-1234' });
    await openAiProviderBreaker(app);
    await request(app.getHttpServer()).get('/v1/health').expect(200);
    expect(app.get(HealthService).getLastStatus('resilience')).toMatchObject({
      status: HealthStatus.DEGRADED,
      message: 'Open circuit breakers: summarize_text',
    });
  });

  it('HEALTH_CACHE_MIN_HIT_RATIO makes cache DEGRADED once enough reads missed', async () => {
    app = await createApiApp({
      GEMINI_API_KEY: 'k-1234',
      HEALTH_CACHE_MIN_HIT_RATIO: '0.5',
      HEALTH_CACHE_MIN_OPERATIONS: '5',
    });
    const monitor = app.get(CacheService).monitor;
    for (let i = 0; i < 5; i++) monitor.record('miss', 0.1, false);
    const { body } = await request(app.getHttpServer()).get('/v1/health').expect(200);
    expect(body).toMatchObject({ status: 'degraded', cache_healthy: false });
    expect(app.get(HealthService).getLastStatus('cache')).toMatchObject({
      status: HealthStatus.DEGRADED,
      message: 'Cache hit ratio 0 is below the threshold of 0.5 (over 5 reads)',
      metadata: { threshold_breaches: ['hit_ratio'] },
    });
  });

  it('refuses to start on a bad threshold, naming the variable', async () => {
    await expect(createApiApp({ HEALTH_RESILIENCE_DEGRADED_WHEN_OPEN: 'some' })).rejects.toThrow(
      'Invalid setting HEALTH_RESILIENCE_DEGRADED_WHEN_OPEN: "some"',
    );
  });
});
