import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import { Controller, Get, RequestMethod } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Registry } from 'prom-client';
import request from 'supertest';
import { HealthModule } from '../health.module';
import { HealthMetricsModule } from '../metrics';
import { HealthRouteConflictError } from './route-clash';

@Controller('metrics')
class HostMetricsController {
  @Get()
  scrape() {
    return 'mine';
  }
}

@Controller('health')
class HostHealthController {
  @Get()
  get() {
    return { mine: true };
  }
}

/** HealthModule (no route of its own in the way) and HealthMetricsModule on a registry of its own. */
const withMetrics = () => [
  HealthModule.forRoot({ evaluationIntervalMs: 0 }),
  HealthMetricsModule.forRoot({ registry: new Registry() }),
];

describe('route clash check under a global prefix', () => {
  let app: INestApplication | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  /** Builds and inits an app; the error init threw, if any (the app is closed then). */
  async function boot(
    metadata: ModuleMetadata,
    setUp: (nest: INestApplication) => void,
  ): Promise<unknown> {
    const moduleRef = await Test.createTestingModule(metadata).compile();
    const nest = moduleRef.createNestApplication({ logger: false });
    setUp(nest);
    try {
      await nest.init();
      app = nest;
      return undefined;
    } catch (error) {
      await nest.close().catch(() => undefined);
      return error;
    }
  }

  it('names GET /api/metrics, the path that clashes, with the global prefix api', async () => {
    const error = await boot(
      { imports: withMetrics(), controllers: [HostMetricsController] },
      (nest) => nest.setGlobalPrefix('api'),
    );
    expect(error).toBeInstanceOf(HealthRouteConflictError);
    expect((error as Error).message).toBe(
      'Invalid setting metrics.path: "GET /api/metrics" (expected a route of its own: HostMetricsController.scrape serves GET /api/metrics too (HealthMetricsModule.scrape); change the metrics path, or move the app\'s route)',
    );
  });

  it.each(['api', '/api/', 'api/internal'])(
    'names the redirect route under the prefix %j',
    async (prefix) => {
      const error = await boot(
        {
          imports: [HealthModule.forRoot({ evaluationIntervalMs: 0, http: { redirect: true } })],
          controllers: [HostHealthController],
        },
        (nest) => nest.setGlobalPrefix(prefix),
      );
      const full = `/${prefix.replace(/^\/|\/$/g, '')}/health`;
      expect((error as Error).message).toMatch(
        new RegExp(
          `^Invalid setting http: "GET ${full}" .*HostHealthController.get serves GET ${full} too`,
        ),
      );
    },
  );

  it('names the routes without a prefix when there is none', async () => {
    const error = await boot(
      { imports: withMetrics(), controllers: [HostMetricsController] },
      () => undefined,
    );
    expect((error as Error).message).toMatch(/"GET \/metrics" .*serves GET \/metrics too/);
  });

  it('sees the clash an exclude list makes: the host route served without the prefix, at /api/health', async () => {
    @Controller('api/health')
    class UnprefixedController {
      @Get()
      get() {
        return { mine: true };
      }
    }
    const error = await boot(
      {
        imports: [HealthModule.forRoot({ evaluationIntervalMs: 0, http: { redirect: true } })],
        controllers: [UnprefixedController],
      },
      (nest) =>
        nest.setGlobalPrefix('api', {
          exclude: [{ path: 'api/health', method: RequestMethod.GET }],
        }),
    );
    expect((error as Error).message).toMatch(
      /"GET \/api\/health" .*UnprefixedController.get serves GET \/api\/health too/,
    );
  });

  it('boots when the prefix keeps the routes apart, each served at its own path', async () => {
    const error = await boot(
      {
        imports: [HealthModule.forRoot({ evaluationIntervalMs: 0, http: { redirect: true } })],
        controllers: [HostMetricsController],
      },
      (nest) => nest.setGlobalPrefix('api', { exclude: ['metrics'] }),
    );
    expect(error).toBeUndefined();
    const http = request(app!.getHttpServer());
    expect((await http.get('/metrics').expect(200)).text).toBe('mine');
    expect((await http.get('/api/health').expect(301)).headers.location).toBe('/api/v1/health');
  });

  it('sees the clash when the prefix excludes both routes: both at the same path', async () => {
    const error = await boot(
      { imports: withMetrics(), controllers: [HostMetricsController] },
      (nest) => nest.setGlobalPrefix('api', { exclude: ['metrics'] }),
    );
    expect((error as Error).message).toMatch(/"GET \/metrics" .*serves GET \/metrics too/);
  });
});
