import type { INestApplication } from '@nestjs/common';
import { Controller, Get, Logger, VersioningType } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { HealthStatus } from '../core/health-status';
import type { HealthModuleExtras } from '../health.module-definition';
import { HealthModule } from '../health.module';
import type { HealthModuleOptions } from '../health.options';
import { HealthRouteConflictError } from '../shared/route-clash';
import type { HealthWriter } from '../core/ports';
import { fullReportWriter, healthJsonWriter, negotiate, prometheusWriter } from './writers';

const payments = {
  name: 'payments',
  check: () => ({ status: HealthStatus.HEALTHY, message: 'Payments API reachable' }),
};

/** Every endpoint group on, and the redirect: what apps/api mounts. */
const EVERYTHING = {
  endpoints: { legacy: true, trends: true, status: true, events: true },
  redirect: true,
};

describe('HealthModule HTTP options', () => {
  let app: INestApplication | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
    jest.restoreAllMocks();
  });

  async function boot(
    options: HealthModuleOptions & HealthModuleExtras = {},
    setUp: (app: INestApplication) => void = () => undefined,
    controllers: unknown[] = [],
  ): Promise<INestApplication> {
    const moduleRef = await Test.createTestingModule({
      imports: [HealthModule.forRoot({ evaluationIntervalMs: 0, checks: [payments], ...options })],
      controllers: controllers as never[],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    setUp(app);
    await app.init();
    return app;
  }

  const http = () => request(app!.getHttpServer());

  describe('routes', () => {
    it('mounts every group under the base path, and GET /health redirects to it', async () => {
      await boot({ http: EVERYTHING });
      await http().get('/v1/health').expect(200);
      await http().get('/v1/health/components').expect(200);
      await http().get('/v1/health/live').expect(200);
      await http().get('/v1/health/trends').expect(200);
      await http().get('/v1/health/status').expect(200);
      const res = await http().get('/health').expect(301);
      expect(res.headers.location).toBe('/v1/health');
    });

    it('follows the host global prefix, the redirect included (query kept)', async () => {
      await boot({ http: EVERYTHING }, (nest) => nest.setGlobalPrefix('api'));
      await http().get('/api/v1/health').expect(200);
      await http().get('/api/v1/health/ready').expect(200);
      await http().get('/v1/health').expect(404);
      const res = await http().get('/api/health?x=1').expect(301);
      expect(res.headers.location).toBe('/api/v1/health?x=1');
    });

    it('stays out of URI versioning by default: no doubled version in the path', async () => {
      await boot({ http: EVERYTHING }, (nest) => {
        nest.setGlobalPrefix('api');
        nest.enableVersioning({ type: VersioningType.URI, defaultVersion: '1' });
      });
      await http().get('/api/v1/health').expect(200);
      await http().get('/api/v1/v1/health').expect(404);
    });

    it('takes a version for hosts that want one', async () => {
      await boot({ http: { basePath: 'health', version: '2', redirect: false } }, (nest) =>
        nest.enableVersioning({ type: VersioningType.URI }),
      );
      await http().get('/v2/health/components').expect(200);
      await http().get('/health/components').expect(404);
    });

    it('moves to another base path and mounts only the groups asked for', async () => {
      await boot({
        http: {
          basePath: '/ops/health/',
          redirect: false,
          endpoints: { legacy: false, trends: false },
        },
      });
      await http().get('/ops/health/components/payments').expect(200);
      await http().get('/ops/health/ready').expect(200);
      await http().get('/ops/health').expect(404);
      await http().get('/ops/health/trends').expect(404);
      await http().get('/health').expect(404);
      await http().get('/v1/health').expect(404);
    });

    it('serves nothing with exposeHttp: false', async () => {
      await boot({ exposeHttp: false });
      await http().get('/v1/health').expect(404);
    });

    // Routes classes are mounted by subclasses: the clash check reads inherited handlers.
    it('refuses to start when a host route would be shadowed, naming both routes', async () => {
      @Controller('health')
      class HostHealthController {
        @Get()
        get() {
          return { mine: true };
        }
      }
      const error = await boot({ http: { redirect: true } }, undefined, [
        HostHealthController,
      ]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HealthRouteConflictError);
      expect(String((error as Error).message)).toMatch(
        /GET \/health.*HostHealthController\.get serves GET \/health too.*http\.redirect/,
      );
      app = undefined;
    });

    it('lets the host keep its own /health once the redirect is off', async () => {
      @Controller('health')
      class HostHealthController {
        @Get()
        get() {
          return { mine: true };
        }
      }
      await boot({ http: { redirect: false } }, undefined, [HostHealthController]);
      const res = await http().get('/health').expect(200);
      expect(res.body).toEqual({ mine: true });
    });

    // Routes classes are mounted by subclasses: the clash check reads inherited handlers.
    it('refuses to start when a host route takes the status page’s path', async () => {
      @Controller('v1/health')
      class HostStatusController {
        @Get('status')
        page() {
          return 'mine';
        }
      }
      const error = await boot({ http: { endpoints: { status: true } } }, undefined, [
        HostStatusController,
      ]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HealthRouteConflictError);
      expect(String((error as Error).message)).toMatch(
        /GET \/v1\/health\/status.*HostStatusController\.page serves GET \/v1\/health\/status too/,
      );
      app = undefined;
    });

    // Routes classes are mounted by subclasses: the clash check reads inherited handlers.
    it('sees a clash through a route parameter too', async () => {
      @Controller('v1/health')
      class Other {
        @Get(':anything')
        get() {
          return 1;
        }
      }
      await expect(boot({}, undefined, [Other])).rejects.toThrow(/Other\.get/);
      app = undefined;
    });
  });

  describe('writers', () => {
    it('negotiates by Accept: exact type, then type/*, then */*; the first writer otherwise', () => {
      const writers = [fullReportWriter, healthJsonWriter, prometheusWriter];
      expect(negotiate(undefined, writers)).toBe(fullReportWriter);
      expect(negotiate('*/*', writers)).toBe(fullReportWriter);
      expect(negotiate('text/html', writers)).toBe(fullReportWriter);
      expect(negotiate('application/health+json', writers)).toBe(healthJsonWriter);
      expect(negotiate('text/*', writers)).toBe(prometheusWriter);
      expect(negotiate('text/plain;q=0.5, application/health+json', writers)).toBe(
        healthJsonWriter,
      );
      expect(negotiate('application/health+json;q=0, */*;q=0.1', writers)).toBe(fullReportWriter);
      expect(negotiate('text/html, application/*;q=0.9', writers)).toBe(fullReportWriter);
    });

    it('answers the Prometheus text of the report by negotiation', async () => {
      await boot();
      const res = await http().get('/v1/health/components').set('accept', 'text/plain').expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain;.*version=0\.0\.4/);
      expect(res.text).toContain('health_component_status{component="payments",state="healthy"} 1');
    });

    it('takes an app writer for a new type, and one that replaces a built-in type', async () => {
      const csv: HealthWriter = {
        mediaType: 'text/csv',
        write: (report) => ({
          status: 200,
          headers: { 'Content-Type': 'text/csv; charset=utf-8' },
          body: report.components.map((c) => `${c.name},${c.status}`).join('\n'),
        }),
      };
      const json: HealthWriter = {
        mediaType: 'application/json',
        write: (report, { details, version }) => ({
          status: 299,
          body: { mine: true, details, version, overall: report.overall_status },
        }),
      };
      await boot({ version: '7.0.0', writers: [csv, json] });
      const plain = await http().get('/v1/health/components').expect(299);
      expect(plain.body).toEqual({
        mine: true,
        details: false,
        version: '7.0.0',
        overall: 'healthy',
      });
      const table = await http().get('/v1/health/components').set('accept', 'text/csv').expect(200);
      expect(table.text).toBe('payments,healthy');
      const one = await http()
        .get('/v1/health/components/payments')
        .set('accept', 'text/csv')
        .expect(200);
      expect(one.text).toBe('payments,healthy');
    });
  });

  describe('one component within the budget', () => {
    it('answers a hung check from its last result, with its age, in every format', async () => {
      let hang = false;
      const slow = {
        name: 'slow',
        abortable: true,
        check: (signal: AbortSignal) =>
          hang
            ? new Promise<never>((_, reject) =>
                signal.addEventListener('abort', () => reject(new Error('aborted'))),
              )
            : { status: HealthStatus.HEALTHY, message: 'answered' },
      };
      await boot({ checks: [slow], responseBudgetMs: 50, defaultTimeoutMs: 5000 });
      const fresh = await http().get('/v1/health/components/slow').expect(200);
      expect(fresh.body).toEqual({
        name: 'slow',
        status: 'healthy',
        response_time_ms: expect.any(Number),
      });

      hang = true;
      const started = Date.now();
      const known = await http().get('/v1/health/components/slow').expect(200);
      expect(Date.now() - started).toBeLessThan(2000); // the budget, not the 5 s timeout
      expect(known.body).toEqual({
        name: 'slow',
        status: 'healthy',
        response_time_ms: expect.any(Number),
        age_ms: expect.any(Number),
      });
      expect(known.body.age_ms).toBeGreaterThanOrEqual(0);
    });
  });

  describe('who sees details', () => {
    const DETAILS_KEY = 'details-key-0123456789';
    const message = async (headers: Record<string, string> = {}) => {
      const res = await http().get('/v1/health/components').set(headers).expect(200);
      return (res.body as { components: { message?: string }[] }).components[0].message;
    };

    it('shows them to a details key (Bearer or X-API-Key, trimmed) and to nobody else', async () => {
      await boot({ detailsKeys: [` ${DETAILS_KEY} `, undefined] });
      expect(await message()).toBeUndefined();
      expect(await message({ 'x-api-key': 'wrong' })).toBeUndefined();
      expect(await message({ 'x-api-key': ` ${DETAILS_KEY} ` })).toBe('Payments API reachable');
      expect(await message({ authorization: `Bearer ${DETAILS_KEY}` })).toBe(
        'Payments API reachable',
      );
    });

    it('asks the app hook, which sees the request', async () => {
      const seen: string[] = [];
      await boot({
        authorizeDetails: (req) => {
          seen.push(String(req.headers['x-role']));
          return req.headers['x-role'] === 'sre';
        },
      });
      expect(await message({ 'x-role': 'guest' })).toBeUndefined();
      expect(await message({ 'x-role': 'sre' })).toBe('Payments API reachable');
      expect(seen).toEqual(['guest', 'sre']);
    });

    it('hides them when the hook throws or rejects, and logs why (masked)', async () => {
      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      let fail: () => Promise<boolean> = () => Promise.reject(new Error('idp down: hunter22'));
      await boot({ secrets: ['hunter22'], authorizeDetails: () => fail() });
      expect(await message()).toBeUndefined();
      fail = () => {
        throw 'nope';
      };
      expect(await message()).toBeUndefined();
      expect(warn.mock.calls.map(([line]) => line)).toEqual([
        'authorizeDetails failed; details hidden: idp down: ***',
        'authorizeDetails failed; details hidden: nope',
      ]);
    });

    it('follows never and always whatever the keys', async () => {
      await boot({ details: 'never', detailsKeys: [DETAILS_KEY] });
      expect(await message({ 'x-api-key': DETAILS_KEY })).toBeUndefined();
      await app!.close();
      await boot({ details: 'always' });
      expect(await message()).toBe('Payments API reachable');
    });
  });

  describe('the legacy body', () => {
    const legacyOn = { endpoints: { legacy: true } };

    it('has no field of its own by default: status, timestamp (ISO 8601 in UTC) and version', async () => {
      const at = Date.UTC(2026, 11, 4, 21, 20, 47, 123);
      await boot({
        http: legacyOn,
        version: '2.0.0',
        clock: { monotonicMs: () => performance.now(), epochMs: () => at },
      });
      const res = await http().get('/v1/health').expect(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.text).toBe(
        '{"status":"healthy","timestamp":"2026-12-04T21:20:47.123Z","version":"2.0.0"}',
      );
    });

    it('writes the timestamp with the app’s function, from the time of the response', async () => {
      let now = 1_000_000;
      const seen: number[] = [];
      await boot({
        http: legacyOn,
        cacheTtlMs: 60_000,
        clock: { monotonicMs: () => performance.now(), epochMs: () => now },
        legacy: {
          timestamp: (epochMs) => {
            seen.push(epochMs);
            return `t=${epochMs}`;
          },
        },
      });
      expect((await http().get('/v1/health').expect(200)).body.timestamp).toBe('t=1000000');
      now += 5000;
      // A cached result, a new time.
      expect((await http().get('/v1/health').expect(200)).body.timestamp).toBe('t=1005000');
      expect(seen).toEqual([1_000_000, 1_005_000]);
    });

    it('maps the app’s own components when told, keys in the order given', async () => {
      await boot({
        http: legacyOn,
        legacy: {
          fields: [
            { key: 'payments_ok', component: 'payments' },
            { key: 'search_ok', component: 'search', whenMissing: false },
          ],
        },
      });
      const res = await http().get('/v1/health').expect(200);
      expect(Object.keys(res.body)).toEqual([
        'status',
        'timestamp',
        'version',
        'payments_ok',
        'search_ok',
      ]);
      expect(res.body).toMatchObject({ status: 'healthy', payments_ok: true, search_ok: false });
    });
  });
});
