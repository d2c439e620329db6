import { HealthService, HealthStatus } from '@nest-health/core';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { CircuitBreakerRegistry } from '@nest-health/core/resilience';
import { BREAKER_NAMES } from '../apps/api/src/resilience/resilience-presets';
import { createApiApp } from './support/api-app';
import { eventually } from './support/eventually';
import { LEGACY_KEYS as KEYS } from './support/legacy';

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?$/;

describe('GET /v1/health (legacy contract)', () => {
  let app: INestApplication;

  afterEach(async () => {
    await app?.close();
    jest.restoreAllMocks();
  });

  const get = () => request(app.getHttpServer()).get('/v1/health');

  it('answers 200 with exactly the six keys, in order, typed as the contract says', async () => {
    app = await createApiApp({ GEMINI_API_KEY: 'AIza-e2e-key' });
    const res = await get().expect(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(Object.keys(res.body)).toEqual(KEYS);
    expect(res.text).toBe(JSON.stringify(res.body));
    const body = res.body as Record<string, unknown>;
    expect(body.status).toBe('healthy');
    expect(body.timestamp).toMatch(TIMESTAMP);
    expect(body.version).toBe('1.0.0');
    expect(body.ai_model_available).toBe(true);
    expect(body.resilience_healthy).toBe(true);
    expect(body.cache_healthy).toBe(true);
    expect(res.text).not.toContain('AIza-e2e-key');
  });

  it('puts the check time in the timestamp, as local time without a zone', async () => {
    app = await createApiApp();
    const before = Date.now();
    const { body } = await get().expect(200);
    const shown = Date.parse(`${body.timestamp as string}Z`); // the suite runs in TZ=UTC
    expect(shown).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(shown).toBeLessThanOrEqual(Date.now());
  });

  it('says degraded with ai_model_available false when the AI key is missing', async () => {
    app = await createApiApp();
    const { body } = await get().expect(200);
    expect(body).toMatchObject({
      status: 'degraded',
      ai_model_available: false,
      resilience_healthy: true,
      cache_healthy: true,
    });
  });

  it('takes the version from APP_VERSION', async () => {
    app = await createApiApp({ APP_VERSION: '2.5.1', GEMINI_API_KEY: 'k-1234' });
    expect((await get()).body.version).toBe('2.5.1');
  });

  it('reports an open circuit breaker as resilience_healthy false and status degraded', async () => {
    app = await createApiApp({ GEMINI_API_KEY: 'k-1234' });
    const isolation = app.get(CircuitBreakerRegistry).get(BREAKER_NAMES.summarize)!.isolate();
    try {
      const { body } = await get().expect(200);
      expect(body).toMatchObject({
        status: 'degraded',
        resilience_healthy: false,
        cache_healthy: true,
      });
      const resilience = app.get(HealthService).getLastStatus('resilience');
      expect(resilience).toMatchObject({
        status: 'degraded',
        message: 'Open circuit breakers: summarize_text',
        metadata: {
          open_circuit_breakers: ['summarize_text'],
          half_open_circuit_breakers: [],
          total_circuit_breakers: 5,
        },
      });
    } finally {
      isolation.dispose();
    }
  });

  it('shows an UNHEALTHY system as "degraded", never "unhealthy"', async () => {
    app = await createApiApp({ GEMINI_API_KEY: 'k-1234', HEALTH_CHECK_RETRY_COUNT: '0' });
    const health = app.get(HealthService);
    health.register(
      { name: 'cache', check: () => Promise.reject(new Error('ECONNREFUSED')) },
      { replace: true },
    );
    const { body } = await get().expect(200);
    expect(health.getLastReport()?.overall_status).toBe(HealthStatus.UNHEALTHY);
    expect(body).toMatchObject({
      status: 'degraded',
      cache_healthy: false,
      ai_model_available: true,
    });
  });

  it('gives null for components that are not enabled', async () => {
    app = await createApiApp({
      GEMINI_API_KEY: 'k-1234',
      HEALTH_CHECK_ENABLED_COMPONENTS: 'ai_model',
    });
    expect(app.get(HealthService).names()).toEqual(['ai_model']);
    const { body } = await get().expect(200);
    expect(body).toEqual({
      status: 'healthy',
      timestamp: expect.stringMatching(TIMESTAMP),
      version: '1.0.0',
      ai_model_available: true,
      resilience_healthy: null,
      cache_healthy: null,
    });
  });

  it('counts other components toward the status without adding keys', async () => {
    app = await createApiApp({ GEMINI_API_KEY: 'k-1234' });
    app
      .get(HealthService)
      .register({ name: 'payments', check: () => ({ status: HealthStatus.UNHEALTHY }) });
    const res = await get().expect(200);
    expect(Object.keys(res.body)).toEqual(KEYS);
    expect(res.body).toMatchObject({
      status: 'degraded',
      ai_model_available: true,
      cache_healthy: true,
    });
  });

  it('answers at once when a dependency hangs; the check ends at its timeout', async () => {
    app = await createApiApp({ GEMINI_API_KEY: 'k-1234', HEALTH_CHECK_CACHE_TIMEOUT_MS: '150' });
    const health = app.get(HealthService);
    health.register(
      { name: 'cache', check: () => new Promise<never>(() => undefined) },
      { replace: true },
    );
    // Within the response budget: a check with no answer yet is not healthy.
    const { body } = await get().expect(200);
    expect(body).toMatchObject({
      status: 'degraded',
      cache_healthy: false,
      resilience_healthy: true,
    });
    const cache = await eventually(() => health.getLastStatus('cache'), {
      until: (status) => status !== undefined,
      timeoutMs: 2000,
    });
    expect(cache).toMatchObject({ status: 'degraded', message: 'cache timed out after 150 ms' });
  });

  it.each([
    [
      'rejects',
      (s: HealthService) => jest.spyOn(s, 'check').mockRejectedValue(new Error('engine bug')),
    ],
    [
      'throws',
      (s: HealthService) =>
        jest.spyOn(s, 'check').mockImplementation(() => {
          throw new TypeError('engine bug');
        }),
    ],
  ])(
    'still answers 200 with the fallback body when the engine itself %s',
    async (_how, breakEngine) => {
      for (const [env, aiAvailable] of [
        [{ GEMINI_API_KEY: 'k-1234' }, true],
        [{}, false],
      ] as const) {
        app = await createApiApp(env);
        breakEngine(app.get(HealthService));
        const res = await get().expect(200);
        expect(res.headers['content-type']).toBe('application/json');
        expect(Object.keys(res.body)).toEqual(KEYS);
        expect(res.body).toEqual({
          status: 'degraded',
          timestamp: expect.stringMatching(TIMESTAMP),
          version: '1.0.0',
          ai_model_available: aiAvailable,
          resilience_healthy: null,
          cache_healthy: null,
        });
        expect(res.text).not.toContain('engine bug');
        await app.close();
      }
    },
  );

  it('redirects the unversioned GET /health with 301 to /v1/health', async () => {
    app = await createApiApp();
    const res = await request(app.getHttpServer()).get('/health').expect(301);
    expect(res.headers.location).toBe('/v1/health');
  });

  it('shares one run of the checks among concurrent requests (single-flight)', async () => {
    app = await createApiApp({ GEMINI_API_KEY: 'k-1234' });
    const health = app.get(HealthService);
    let runs = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    health.register(
      {
        name: 'payments',
        check: async () => {
          runs++;
          await gate;
          return { status: HealthStatus.HEALTHY };
        },
      },
      { replace: true },
    );
    const entered = jest.spyOn(health, 'check');
    const server = app.getHttpServer();
    const responses = Array.from({ length: 20 }, () =>
      request(server)
        .get('/v1/health')
        .then((r) => r),
    );
    await eventually(() => entered.mock.calls.length === 20, {
      intervalMs: 5,
      message: 'the 20 requests to reach the engine',
    });
    release();
    const done = await Promise.all(responses);
    expect(done.every((r) => r.status === 200 && r.body.status === 'healthy')).toBe(true);
    expect(runs).toBe(1);
  });

  it('evaluates afresh on every request by default, and reuses results for HEALTH_CHECK_RESULT_TTL_MS', async () => {
    const countRuns = async (env: Record<string, string>) => {
      app = await createApiApp({ GEMINI_API_KEY: 'k-1234', ...env });
      let runs = 0;
      app
        .get(HealthService)
        .register({ name: 'payments', check: () => (runs++, { status: HealthStatus.HEALTHY }) });
      for (let i = 0; i < 3; i++) await get().expect(200);
      await app.close();
      return runs;
    };
    expect(await countRuns({})).toBe(3);
    expect(await countRuns({ HEALTH_CHECK_RESULT_TTL_MS: '60000' })).toBe(1);
  });

  it('stamps the time of the response, also when every result comes from cache', async () => {
    app = await createApiApp({ HEALTH_CHECK_RESULT_TTL_MS: '60000' });
    const first = (await get().expect(200)).body.timestamp as string;
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = (await get().expect(200)).body.timestamp as string;
    expect(Date.parse(`${second}Z`)).toBeGreaterThan(Date.parse(`${first}Z`));
  });

  it.each([
    ['HEALTH_CHECK_TIMEOUT_MS', '-5'],
    ['HEALTH_CHECK_TIMEOUT_MS', 'abc'],
    ['HEALTH_CHECK_AI_MODEL_TIMEOUT_MS', '0'],
    ['HEALTH_CHECK_RETRY_COUNT', '-1'],
    ['HEALTH_CHECK_ENABLED_COMPONENTS', 'ai_model,redis'],
  ])('refuses to start with %s=%s, naming the variable and the value', async (variable, value) => {
    const bad = value.includes(',') ? 'redis' : value;
    await expect(createApiApp({ [variable]: value })).rejects.toThrow(
      `Invalid setting ${variable}: "${bad}"`,
    );
  });
});
