import type { INestApplication } from '@nestjs/common';
import { Controller, Get } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { HealthStatus } from '../core/health-status';
import { HealthService } from '../core/health.service';
import type { HealthModuleExtras } from '../health.module-definition';
import { HealthModule } from '../health.module';
import type { HealthModuleOptions } from '../health.options';
import { HealthRouteConflictError } from '../shared/route-clash';
import type { HealthTerminusOptions } from './health-terminus.module';
import { HealthTerminusModule, resolveTerminusOptions } from './health-terminus.module';
import { terminusCheck } from './terminus.check';
import { TERMINUS_MEDIA_TYPE, terminusWriter } from './terminus.writer';

const KEY = 'details-key-0123456789';

/** What the checks answer: the test changes it between requests. */
const state = { heap: 'up' as 'up' | 'down', dbThrows: false };

const checks = () => [
  terminusCheck('heap', async () =>
    state.heap === 'up'
      ? { heap: { status: 'up' as const } }
      : { heap: { message: 'Used heap exceeded the set threshold', status: 'down' as const } },
  ),
  terminusCheck(
    'db',
    async () => {
      if (state.dbThrows) throw new Error('no connection to postgres://app:s3cr3t@db:5432/orders');
      return { db: { status: 'up' as const } };
    },
    { tags: ['ready'] },
  ),
];

describe('HealthTerminusModule', () => {
  let app: INestApplication | undefined;

  beforeEach(() => {
    state.heap = 'up';
    state.dbThrows = false;
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function boot(
    terminus: HealthTerminusOptions | HealthTerminusOptions[] = {},
    options: HealthModuleOptions & HealthModuleExtras = {},
    prefix?: string,
    controllers: unknown[] = [],
  ): Promise<INestApplication> {
    const routes = Array.isArray(terminus) ? terminus : [terminus];
    const moduleRef = await Test.createTestingModule({
      imports: [
        HealthModule.forRoot({ evaluationIntervalMs: 0, retries: 0, checks: checks(), ...options }),
        ...routes.map((route) => HealthTerminusModule.forRoot(route)),
      ],
      controllers: controllers as never[],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    if (prefix) app.setGlobalPrefix(prefix);
    await app.init();
    return app;
  }

  const http = () => request(app!.getHttpServer());

  it('serves Terminus format at v1/health/terminus: 200 ok, no-store, JSON', async () => {
    await boot({}, { details: 'always' });
    const res = await http().get('/v1/health/terminus').expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({
      status: 'ok',
      info: { heap: { status: 'up' }, db: { status: 'up' } },
      error: {},
      details: { heap: { status: 'up' }, db: { status: 'up' } },
    });
  });

  it('503 error with the down indicator and its message', async () => {
    await boot({}, { details: 'always' });
    state.heap = 'down';
    const res = await http().get('/v1/health/terminus').expect(503);
    expect(res.body).toEqual({
      status: 'error',
      info: { db: { status: 'up' } },
      error: { heap: { message: 'Used heap exceeded the set threshold', status: 'down' } },
      details: {
        db: { status: 'up' },
        heap: { message: 'Used heap exceeded the set threshold', status: 'down' },
      },
    });
  });

  it('a throwing indicator is 503 down with the reason, never a 500; secrets masked', async () => {
    await boot({}, { details: 'always' });
    state.dbThrows = true;
    const res = await http().get('/v1/health/terminus').expect(503);
    expect(res.body.error).toEqual({
      db: {
        attempts: 1,
        message: 'db check failed: no connection to postgres://app:***@db:5432/orders',
        status: 'down',
      },
    });
  });

  it("follows HealthModule's details setting: statuses only, unless the caller has a key", async () => {
    await boot({}, { detailsKeys: [KEY] });
    state.heap = 'down';
    const hidden = await http().get('/v1/health/terminus').expect(503);
    expect(hidden.body.error).toEqual({ heap: { status: 'down' } });
    const shown = await http()
      .get('/v1/health/terminus')
      .set('Authorization', `Bearer ${KEY}`)
      .expect(503);
    expect(shown.body.error.heap.message).toBe('Used heap exceeded the set threshold');
  });

  it('shutting_down and 503 once the service drains', async () => {
    await boot();
    app!.get(HealthService).startDraining();
    const res = await http().get('/v1/health/terminus').expect(503);
    expect(res.body).toEqual(
      expect.objectContaining({ status: 'shutting_down', info: expect.any(Object) }),
    );
  });

  it('one route per forRoot: a path of its own, the global prefix, tags selecting checks', async () => {
    await boot(
      [{ path: '/health/' }, { path: 'health/readiness', tags: ['ready'] }],
      { http: { redirect: false } },
      'api',
    );
    state.heap = 'down';
    const all = await http().get('/api/health').expect(503);
    expect(Object.keys(all.body.details)).toEqual(['db', 'heap']);
    const ready = await http().get('/api/health/readiness').expect(200);
    expect(ready.body).toEqual({
      status: 'ok',
      info: { db: { status: 'up' } },
      error: {},
      details: { db: { status: 'up' } },
    });
  });

  // Routes classes are mounted by subclasses: the clash check reads inherited handlers.
  it("refuses to start on the path of HealthModule's redirect, or of a host route", async () => {
    const redirect = { http: { redirect: true } };
    await expect(boot({ path: 'health' }, redirect)).rejects.toThrow(HealthRouteConflictError);
    await expect(boot({ path: 'health' }, redirect)).rejects.toThrow(/GET \/health.*redirect/);
    @Controller('status')
    class HostController {
      @Get()
      get(): string {
        return 'host';
      }
    }
    await expect(boot({ path: 'status' }, {}, undefined, [HostController])).rejects.toThrow(
      HealthRouteConflictError,
    );
  });

  it('terminusWriter: the same format by negotiation on the report endpoint', async () => {
    await boot({}, { details: 'always', writers: [terminusWriter] });
    state.heap = 'down';
    const res = await http()
      .get('/v1/health/components')
      .set('Accept', TERMINUS_MEDIA_TYPE)
      .expect(503);
    expect(res.headers['content-type']).toMatch(/^application\/vnd\.nestjs-terminus\+json/);
    expect(JSON.parse(res.text)).toEqual(
      expect.objectContaining({
        status: 'error',
        error: expect.objectContaining({ heap: expect.any(Object) }),
      }),
    );
    const plain = await http().get('/v1/health/components').expect(503);
    expect(plain.body.overall_status).toBe(HealthStatus.UNHEALTHY);
  });

  describe('options', () => {
    it('defaults, and a path trimmed of slashes', () => {
      expect(resolveTerminusOptions({})).toEqual(
        expect.objectContaining({ path: 'v1/health/terminus', tags: undefined }),
      );
      expect(resolveTerminusOptions({ path: '/health/', tags: ['ready'] })).toEqual(
        expect.objectContaining({ path: 'health', tags: ['ready'] }),
      );
    });

    it.each([
      [{ path: 'has space' }, /terminus\.path: "has space" \(expected a URL path such as health\)/],
      [{ path: '' }, /terminus\.path/],
      [{ path: 42 }, /terminus\.path: 42/],
      [{ tags: [] }, /terminus\.tags.*non-empty array/],
      [{ tags: ['ready', ''] }, /terminus\.tags/],
      [{ tags: 'ready' }, /terminus\.tags/],
    ])('refuses %j', (options, expected) => {
      expect(() => HealthTerminusModule.forRoot(options as never)).toThrow(expected);
    });

    it('refuses options that are not an object', () => {
      expect(() => HealthTerminusModule.forRoot(null as never)).toThrow(
        /Invalid setting terminus: null \(expected an object\)/,
      );
    });
  });
});
