import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { HealthService } from '@nest-health/core';
import { createApiApp } from './support/api-app';
import { eventually } from './support/eventually';
import { PrivateRedis } from './support/redis-server';
import type { RunningService } from './support/service-process';
import { ServiceProcess } from './support/service-process';
import { SseClient } from './support/sse-client';

/**
 * `GET /v1/health/status` of apps/api: every component of the service, messages by the details
 * rule (the service's API key is a details key), no secret, nothing loaded from elsewhere.
 */
const KEY = 'k-status-page-1234';
const PASSWORD = 'status-redis-pass-99';

describe('GET /v1/health/status (apps/api)', () => {
  let app: INestApplication;
  let redis: PrivateRedis;

  beforeAll(async () => {
    redis = await PrivateRedis.start({ password: PASSWORD });
    app = await createApiApp({
      API_KEY: KEY,
      REDIS_URL: redis.url,
      HEALTH_EVALUATION_INTERVAL_MS: '100',
    });
    const health = app.get(HealthService);
    await eventually(
      () => health.getLastReport()?.components.find((c) => c.name === 'cache')?.status,
      { until: (status) => status === 'healthy', intervalMs: 20, message: 'a healthy cache' },
    );
  });

  afterAll(async () => {
    await app?.close();
    await redis?.stop();
    for (const name of ['API_KEY', 'REDIS_URL', 'HEALTH_EVALUATION_INTERVAL_MS']) {
      delete process.env[name];
    }
  });

  const page = (headers: Record<string, string> = {}) =>
    request(app.getHttpServer()).get('/v1/health/status').set(headers).expect(200);

  it('lists every component with its state in words, readable without any script', async () => {
    const res = await page();
    for (const name of ['ai_model', 'cache', 'resilience']) {
      expect(res.text).toMatch(new RegExp(`<tr data-component="${name}" data-status="\\w+">`));
    }
    // No Gemini key: the AI model is degraded, and the banner says which.
    expect(res.text).toContain('Degraded: ai_model degraded');
    expect(res.text).toMatch(
      /data-component="cache" data-status="healthy">[\s\S]*?<span class="label">healthy<\/span>/,
    );
    expect(res.headers['content-security-policy']).toMatch(/^default-src 'none'/);
    expect(res.text).not.toMatch(/https?:\/\//);
    expect(res.text).not.toMatch(/\ssrc=/);
  });

  it('shows messages to a caller with the API key only, and never a secret', async () => {
    const anonymous = await page();
    expect(anonymous.text).not.toContain('Missing Gemini API key');
    expect(anonymous.text).toContain('Messages are hidden');
    const authorized = await page({ 'X-API-Key': KEY });
    expect(authorized.text).toContain('<td class="message">Missing Gemini API key</td>');
    for (const res of [anonymous, authorized]) {
      expect(res.text).not.toContain(KEY);
      expect(res.text).not.toContain(PASSWORD);
    }
  });
});

describe('the status page of the built service', () => {
  let service: RunningService;

  beforeAll(async () => {
    service = await ServiceProcess.start({ API_KEY: KEY, HEALTH_SHUTDOWN_DELAY_MS: '0' });
  }, 60_000);

  afterAll(() => service?.kill());

  it.each(['/V1/HEALTH/STATUS', '/v1/health/status/', '/V1/Health/Status/?window=15m'])(
    'opened as %s, links to a stream that answers text/event-stream',
    async (path) => {
      const page = await fetch(`${service.url}${path}`);
      expect(page.status).toBe(200);
      const link = /<body data-events="([^"]*)">/.exec(await page.text())![1];
      // Resolved against the page, as the browser's EventSource does.
      const stream = await SseClient.connect(new URL(link, page.url).href);
      stream.close();
      expect(stream.status).toBe(200);
      expect(stream.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    },
  );
});
