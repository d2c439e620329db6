import type { HealthCheckDefinition } from '@nest-health/core';
import { HealthModule, HealthService, HealthStatus } from '@nest-health/core';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { createApiApp } from './support/api-app';
import { LEGACY_KEYS } from './support/legacy';

const KEY = 'svc-operator-key-1';
const check = (name: string, status: HealthStatus, extra: Partial<HealthCheckDefinition> = {}) => ({
  name,
  check: () => ({
    status,
    message: `${name} says ${status}`,
    metadata: { detail: `${name}-meta` },
  }),
  ...extra,
});

describe('operator endpoints (apps/api)', () => {
  let app: INestApplication;

  afterEach(async () => {
    await app?.close();
  });

  const http = () => request(app.getHttpServer());

  describe('GET /v1/health/components', () => {
    it('answers the full report, 200 while healthy or degraded, never cached', async () => {
      app = await createApiApp({ GEMINI_API_KEY: 'k-1234', HEALTH_DETAILS: 'always' });
      const res = await http().get('/v1/health/components').expect(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(Object.keys(res.body)).toEqual(['overall_status', 'timestamp', 'components']);
      expect(res.body.overall_status).toBe('healthy');
      expect(res.body.components.map((c: { name: string }) => c.name)).toEqual([
        'ai_model',
        'cache',
        'resilience',
      ]);
      expect(Object.keys(res.body.components[0])).toEqual([
        'name',
        'status',
        'message',
        'response_time_ms',
        'metadata',
      ]);
      expect(res.body.components[0]).toMatchObject({
        message: 'AI model configured',
        metadata: { provider: 'gemini', has_api_key: true },
      });
      app.get(HealthService).register(check('payments', HealthStatus.DEGRADED));
      expect((await http().get('/v1/health/components').expect(200)).body.overall_status).toBe(
        'degraded',
      );
    });

    it('answers 503 when the system is unhealthy', async () => {
      app = await createApiApp({ GEMINI_API_KEY: 'k-1234' });
      app.get(HealthService).register(check('payments', HealthStatus.UNHEALTHY));
      const res = await http().get('/v1/health/components').expect(503);
      expect(res.body.overall_status).toBe('unhealthy');
    });

    describe('details visibility (HEALTH_DETAILS, default when-authorized)', () => {
      const shown = (body: { components: object[] }) =>
        body.components.every((c) => 'message' in c && 'metadata' in c);
      const hidden = (body: { components: object[] }) =>
        body.components.every(
          (c) =>
            !('message' in c) && !('metadata' in c) && 'status' in c && 'response_time_ms' in c,
        );

      it('hides messages and metadata without a key, shows them with it, hides them with a wrong one', async () => {
        app = await createApiApp({ API_KEY: KEY });
        expect(hidden((await http().get('/v1/health/components')).body)).toBe(true);
        expect(
          shown(
            (await http().get('/v1/health/components').set('authorization', `Bearer ${KEY}`)).body,
          ),
        ).toBe(true);
        expect(shown((await http().get('/v1/health/components').set('x-api-key', KEY)).body)).toBe(
          true,
        );
        const wrong = await http()
          .get('/v1/health/components')
          .set('x-api-key', `${KEY}x`)
          .expect(200);
        expect(hidden(wrong.body)).toBe(true);
        expect(wrong.text).not.toContain(KEY);
      });

      it('hides them from everyone with never, shows them to everyone with always', async () => {
        app = await createApiApp({ API_KEY: KEY, HEALTH_DETAILS: 'never' });
        expect(hidden((await http().get('/v1/health/components').set('x-api-key', KEY)).body)).toBe(
          true,
        );
        await app.close();
        app = await createApiApp({ HEALTH_DETAILS: 'always' });
        expect(shown((await http().get('/v1/health/components')).body)).toBe(true);
      });

      it('leaves the legacy /v1/health unaffected', async () => {
        app = await createApiApp({ API_KEY: KEY, HEALTH_DETAILS: 'never' });
        const res = await http().get('/v1/health').expect(200);
        expect(Object.keys(res.body)).toEqual(LEGACY_KEYS);
      });

      it('refuses an unknown HEALTH_DETAILS at startup', async () => {
        await expect(createApiApp({ HEALTH_DETAILS: 'sometimes' })).rejects.toThrow(
          'Invalid setting HEALTH_DETAILS: "sometimes" (expected one of never, when-authorized, always)',
        );
      });
    });

    describe('Accept: application/health+json', () => {
      it('answers in the IETF draft format', async () => {
        app = await createApiApp({ GEMINI_API_KEY: 'k-1234', APP_VERSION: '3.2.1', API_KEY: KEY });
        app
          .get(HealthService)
          .register(check('payments', HealthStatus.UNHEALTHY, { critical: false }));
        const res = await http()
          .get('/v1/health/components')
          .set('accept', 'application/health+json')
          .set('x-api-key', KEY)
          .expect(200);
        expect(res.headers['content-type']).toBe('application/health+json; charset=utf-8');
        const body = JSON.parse(res.text);
        expect(body).toMatchObject({
          status: 'warn',
          version: '3.2.1',
          output: 'payments says unhealthy',
        });
        expect(Object.keys(body.checks)).toEqual([
          'ai_model:responseTime',
          'cache:responseTime',
          'resilience:responseTime',
          'payments:responseTime',
        ]);
        expect(body.checks['cache:responseTime']).toEqual([
          {
            componentId: 'cache',
            componentType: 'datastore',
            observedValue: expect.any(Number),
            observedUnit: 'ms',
            status: 'pass',
            time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
          },
        ]);
        expect(body.checks['payments:responseTime'][0]).toMatchObject({
          status: 'fail',
          output: 'payments says unhealthy',
        });
      });

      it('answers fail with 503, and no output without authorization', async () => {
        app = await createApiApp({ API_KEY: KEY });
        app.get(HealthService).register(check('payments', HealthStatus.UNHEALTHY));
        const res = await http()
          .get('/v1/health/components')
          .set('accept', 'application/health+json, application/json;q=0.5')
          .expect(503);
        const body = JSON.parse(res.text);
        expect(body.status).toBe('fail');
        expect(body.output).toBeUndefined();
        expect(body.checks['payments:responseTime'][0].output).toBeUndefined();
      });
    });
  });

  describe('GET /v1/health/components/:name', () => {
    it('answers one component with the same status-code rule', async () => {
      app = await createApiApp({ GEMINI_API_KEY: 'k-1234', HEALTH_DETAILS: 'always' });
      const res = await http().get('/v1/health/components/cache').expect(200);
      expect(res.body).toMatchObject({
        name: 'cache',
        status: 'healthy',
        message: 'In-memory cache operational',
      });
      app.get(HealthService).register(check('payments', HealthStatus.UNHEALTHY));
      await http().get('/v1/health/components/payments').expect(503);
      const json = await http()
        .get('/v1/health/components/payments')
        .set('accept', 'application/health+json')
        .expect(503);
      expect(json.headers['content-type']).toBe('application/health+json; charset=utf-8');
      expect(Object.keys(JSON.parse(json.text).checks)).toEqual(['payments:responseTime']);
    });

    it('answers 404 naming an unknown component, 400 for a name that cannot be one', async () => {
      app = await createApiApp();
      const missing = await http().get('/v1/health/components/payments').expect(404);
      expect(missing.body).toEqual({
        statusCode: 404,
        error: 'Not Found',
        message: 'Unknown health component "payments"',
      });
      for (const bad of ['Cache', 'a.b', 'x'.repeat(65), '%20']) {
        const res = await http().get(`/v1/health/components/${bad}`).expect(400);
        expect(res.body.message).toMatch(
          /^Invalid component name ".*": expected \[a-z0-9_-\]\{1,64\}$/,
        );
      }
    });
  });

  describe('probes', () => {
    it('live: 200 ok without running any check', async () => {
      app = await createApiApp();
      let runs = 0;
      app
        .get(HealthService)
        .register({ name: 'payments', check: () => (runs++, { status: HealthStatus.UNHEALTHY }) });
      const res = await http().get('/v1/health/live').expect(200);
      expect(res.text).toBe('ok\n');
      expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
      // Verbose: and how old the periodic evaluation's state is (HEALTH_CHECK_INTERVAL_MS 10 s).
      expect((await http().get('/v1/health/live?verbose')).text).toMatch(
        /^\[\+\]process ok\n\[\+\]evaluation ok \(every 10\.0 s, last \d+\.\d s ago\)\nlive check passed\n$/,
      );
      expect(runs).toBe(0);
    });

    it('ready: the critical checks by default; 503 listing the failed one; ?exclude leaves it out', async () => {
      app = await createApiApp({ GEMINI_API_KEY: 'k-1234' });
      const health = app.get(HealthService);
      expect((await http().get('/v1/health/ready').expect(200)).text).toBe('ok\n');
      // Verbose lines say how old each state is.
      expect((await http().get('/v1/health/ready?verbose').expect(200)).text).toMatch(
        /^\[\+\]ai_model ok \(checked \d+\.\d s ago\)\n\[\+\]cache ok \(checked \d+\.\d s ago\)\n\[\+\]resilience ok \(checked \d+\.\d s ago\)\n\[\+\]evaluation ok \(every 10\.0 s, last \d+\.\d s ago\)\nreadiness check passed\n$/,
      );
      health.register(check('optional', HealthStatus.UNHEALTHY, { critical: false }));
      await http().get('/v1/health/ready').expect(200);
      health.register(check('payments', HealthStatus.UNHEALTHY));
      const failed = await http().get('/v1/health/ready').expect(503);
      expect(failed.text).toBe(
        '[+]ai_model ok\n[+]cache ok\n[+]resilience ok\n[-]payments failed\nreadiness check failed\n',
      );
      expect(failed.text).not.toContain('says');
      await http().get('/v1/health/ready?exclude=payments').expect(200);
      await http().get('/v1/health/ready?exclude=payments&exclude=cache&verbose').expect(200);
    });

    it('ready: only the checks tagged "ready" once any is', async () => {
      app = await createApiApp();
      const health = app.get(HealthService);
      health.register(check('db', HealthStatus.DEGRADED, { tags: ['ready'] }));
      health.register(check('payments', HealthStatus.UNHEALTHY));
      const res = await http().get('/v1/health/ready?verbose').expect(200);
      expect(res.text).toMatch(
        /^\[\+\]db degraded \(checked 0\.\d s ago\)\n\[\+\]evaluation ok \(every 10\.0 s, last \d+\.\d s ago\)\nreadiness check passed\n$/,
      );
    });

    it('ready: 503 saying draining once shutdown has begun, while live stays 200', async () => {
      app = await createApiApp();
      app.get(HealthService).startDraining();
      const res = await http().get('/v1/health/ready').expect(503);
      expect(res.text).toContain('the service is draining');
      await http().get('/v1/health/live').expect(200);
    });
  });

  describe('startup probe', () => {
    it('is 503 until the first full evaluation has finished, then 200', async () => {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const moduleRef = await Test.createTestingModule({
        imports: [
          HealthModule.forRoot({
            checks: [
              { name: 'slow', check: async () => (await gate, { status: HealthStatus.HEALTHY }) },
            ],
          }),
        ],
      }).compile();
      app = moduleRef.createNestApplication({ logger: false });
      await app.init();
      const res = await http().get('/v1/health/startup').expect(503);
      expect(res.text).toBe('startup check failed: the first health evaluation has not finished\n');
      release();
      await app.get(HealthService).check();
      expect((await http().get('/v1/health/startup').expect(200)).text).toBe('ok\n');
    });
  });
});
