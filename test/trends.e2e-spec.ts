import type { TrendsReport } from '@nest-health/core';
import { HealthTrends } from '@nest-health/core';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApiApp } from './support/api-app';
import { eventually } from './support/eventually';

/** createApiApp clears these before each boot: every boot sets them. */
const TRENDS = { HEALTH_TREND_INTERVAL_MS: '50', HEALTH_TREND_RETENTION_MS: '60000' };
const COMPONENT_KEYS = [
  'samples',
  'availability_pct',
  'degraded_pct',
  'unhealthy_pct',
  'response_time_ms',
  'status_changes',
  'last_change_at',
  'trend',
];

describe('GET /v1/health/trends (apps/api)', () => {
  let app: INestApplication;

  afterEach(async () => {
    await app?.close();
  });

  afterAll(() => {
    for (const name of Object.keys(TRENDS)) delete process.env[name];
  });

  const http = () => request(app.getHttpServer());

  /** Until every component has this many samples in the last 15 minutes. */
  async function sampled(count: number): Promise<void> {
    const trends = app.get(HealthTrends);
    await eventually(() => Object.values(trends.analyze('15m').components), {
      until: (components) => components.length > 0 && components.every((c) => c.samples >= count),
      intervalMs: 20,
      message: `${count} samples of every component`,
    });
  }

  it('answers the last hour of every component, never cached', async () => {
    app = await createApiApp({ ...TRENDS, GEMINI_API_KEY: 'k-1234' });
    await sampled(3);
    const res = await http().get('/v1/health/trends').expect(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.body as TrendsReport;
    expect(Object.keys(body)).toEqual([
      'window',
      'interval_ms',
      'retention_ms',
      'generated_at',
      'components',
    ]);
    expect(body).toMatchObject({ window: '1h', interval_ms: 50, retention_ms: 60_000 });
    expect(Math.abs(body.generated_at - Date.now() / 1000)).toBeLessThan(5);
    expect(Object.keys(body.components)).toEqual(['ai_model', 'cache', 'resilience']);
    for (const component of Object.values(body.components)) {
      expect(Object.keys(component)).toEqual(COMPONENT_KEYS);
      expect(component.samples).toBeGreaterThanOrEqual(3);
      expect(component).toMatchObject({
        availability_pct: 100,
        status_changes: 0,
        trend: 'stable',
      });
      expect(Object.keys(component.response_time_ms ?? {})).toEqual([
        'avg',
        'p50',
        'p95',
        'p99',
        'max',
      ]);
    }
  });

  it('takes ?window=15m|1h|6h|24h', async () => {
    app = await createApiApp(TRENDS);
    await sampled(1);
    for (const window of ['15m', '1h', '6h', '24h']) {
      const res = await http().get(`/v1/health/trends?window=${window}`).expect(200);
      expect(res.body.window).toBe(window);
      expect(res.body.components.cache.samples).toBeGreaterThanOrEqual(1);
    }
  });

  it.each(['2h', '', '1H', '1h&window=6h'])(
    'answers 400 naming the windows for ?window=%s',
    async (window) => {
      app = await createApiApp(TRENDS);
      const res = await http().get(`/v1/health/trends?window=${window}`).expect(400);
      expect(res.body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: 'window must be one of 15m, 1h, 6h, 24h',
      });
    },
  );

  it('shows figures and names only, the same with or without an API key', async () => {
    app = await createApiApp({
      ...TRENDS,
      API_KEY: 'svc-key-1',
      HEALTH_DETAILS: 'when-authorized',
    });
    await sampled(1);
    const anonymous = await http().get('/v1/health/trends').expect(200);
    const authorized = await http()
      .get('/v1/health/trends')
      .set('X-API-Key', 'svc-key-1')
      .expect(200);
    for (const { body } of [anonymous, authorized]) {
      expect(JSON.stringify(body)).not.toMatch(/"message"|"metadata"/);
      expect(Object.keys(body.components)).toEqual(['ai_model', 'cache', 'resilience']);
    }
    // ai_model is degraded without a Gemini key: the figures say so to everyone.
    expect(anonymous.body.components.ai_model.degraded_pct).toBe(100);
    expect(authorized.body.components.ai_model.degraded_pct).toBe(100);
  });

  it('samples the startup evaluation only when HEALTH_TREND_INTERVAL_MS=0 (nothing scheduled)', async () => {
    app = await createApiApp({ ...TRENDS, HEALTH_TREND_INTERVAL_MS: '0' });
    await new Promise((resolve) => setTimeout(resolve, 150));
    // Requests are no periodic evaluation: they add no sample.
    for (let i = 0; i < 3; i++) await http().get('/v1/health').expect(200);
    const res = await http().get('/v1/health/trends').expect(200);
    // Sized for one tick() every 10 s, should the app drive the evaluations itself.
    expect(res.body.interval_ms).toBe(10_000);
    const samples = Object.values(res.body.components as Record<string, { samples: number }>);
    expect(samples.map((c) => c.samples <= 2)).toEqual([true, true, true]);
  });
});
