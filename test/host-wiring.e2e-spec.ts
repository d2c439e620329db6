import { HealthService } from '@nest-health/core';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { HostHealthChecks } from '../apps/api/src/health/host-health-checks';
import { createApiApp } from './support/api-app';
import { testDatabase } from './support/postgres';
import { freePort } from './support/redis-server';

/** The real PostgreSQL: TEST_DATABASE_URL, or the cluster Jest's global setup started. */
const POSTGRES = testDatabase().url;

describe('apps/api wires every built-in indicator from the environment', () => {
  let app: INestApplication | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('runs ai_model, cache and resilience by default, and neither database nor runtime', async () => {
    app = await createApiApp({ GEMINI_API_KEY: 'k-1234' });
    expect(app.get(HealthService).names()).toEqual(['ai_model', 'cache', 'resilience']);
  });

  it('checks the real PostgreSQL when DATABASE_URL is set', async () => {
    app = await createApiApp({ GEMINI_API_KEY: 'k-1234', DATABASE_URL: POSTGRES });
    const health = app.get(HealthService);
    expect(health.names()).toContain('database');
    await expect(health.checkComponent('database')).resolves.toMatchObject({
      status: 'healthy',
      message: 'PostgreSQL reachable',
      metadata: { driver: 'postgres', ping_ms: expect.any(Number) },
    });
    const { body } = await request(app.getHttpServer()).get('/v1/health').expect(200);
    expect(body.status).toBe('healthy');
  });

  it('reports a database on a closed port as UNHEALTHY, which the legacy body shows as degraded', async () => {
    const closed = await freePort();
    app = await createApiApp({
      GEMINI_API_KEY: 'k-1234',
      DATABASE_URL: `postgres://postgres@127.0.0.1:${closed}/test`,
      HEALTH_CHECK_RETRY_COUNT: '0',
    });
    const { body } = await request(app.getHttpServer()).get('/v1/health').expect(200);
    expect(body).toMatchObject({
      status: 'degraded',
      cache_healthy: true,
      resilience_healthy: true,
    });
    expect(app.get(HealthService).getLastStatus('database')).toMatchObject({
      status: 'unhealthy',
      message: expect.stringContaining('database check failed: PostgreSQL unreachable'),
    });
  });

  it('leaves database out when the explicit list leaves it out, even with DATABASE_URL', async () => {
    app = await createApiApp({
      DATABASE_URL: POSTGRES,
      HEALTH_CHECK_ENABLED_COMPONENTS: 'ai_model,cache',
    });
    expect(app.get(HealthService).names()).toEqual(['ai_model', 'cache']);
  });

  it('runs runtime with thresholds from the environment when it is enabled', async () => {
    app = await createApiApp({
      HEALTH_CHECK_ENABLED_COMPONENTS: 'runtime',
      HEALTH_RUNTIME_HEAP_DEGRADED_RATIO: '0.000001',
      HEALTH_RUNTIME_HEAP_UNHEALTHY_RATIO: '0.9999',
    });
    const health = app.get(HealthService);
    expect(health.names()).toEqual(['runtime']);
    const status = await health.checkComponent('runtime');
    expect(status.status).toBe('degraded');
    expect(status.metadata).toMatchObject({ heap_used_ratio: expect.any(Number) });
  });

  it('releases the indicators’ resources when the app closes', async () => {
    app = await createApiApp({
      DATABASE_URL: POSTGRES,
      HEALTH_CHECK_ENABLED_COMPONENTS: 'database,runtime',
    });
    const host = app.get(HostHealthChecks);
    const owning = host.checks.filter((check) => typeof check.onModuleDestroy === 'function');
    expect(owning.map((check) => check.name)).toEqual(['database', 'runtime']);
    const closed = owning.map((check) =>
      jest.spyOn(check as Required<typeof check>, 'onModuleDestroy'),
    );
    await app.get(HealthService).check();
    await app.close();
    app = undefined;
    for (const spy of closed) expect(spy).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['HEALTH_RUNTIME_HEAP_DEGRADED_RATIO', '1.5', 'a number in (0, 1]'],
    ['HEALTH_CHECK_AI_MODEL_PROBE', 'maybe', 'true or false'],
    ['GEMINI_BASE_URL', 'ftp://x', 'an http(s) URL'],
    ['REDIS_COMMAND_TIMEOUT_MS', '0', 'an integer from 1 to 2147483647'],
  ])('refuses to start with %s=%s', async (variable, value, expected) => {
    await expect(createApiApp({ [variable]: value })).rejects.toThrow(
      `Invalid setting ${variable}: "${value}" (expected ${expected})`,
    );
  });
});
