import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { Controller, Get, Module, RequestMethod, VersioningType } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Test } from '@nestjs/testing';
import { Registry } from 'prom-client';
import { HealthConfigurationError } from '../shared/errors';
import { HealthStatus } from '../core/health-status';
import { HealthModule } from '../health.module';
import { HealthConfigModule } from '../config/health-config.module';
import { HealthMetricsModule } from '../metrics';
import { HealthTerminusModule } from '../terminus';
import { documentHealthEndpoints } from '.';
import { HealthResponse } from './health-openapi.schemas';
import { HEALTH_ROUTE_DOCS } from './health-openapi.routes';

const METHODS = ['get', 'post', 'put', 'delete', 'patch', 'options', 'head'] as const;

/** A controller of the app's own that happens to share a name with one of the library's. */
@Controller('mine')
class ProbesController {
  @Get('ready')
  ready(): string {
    return 'mine';
  }
}

@Module({ controllers: [ProbesController] })
class HostModule {}

describe('documentHealthEndpoints', () => {
  const apps: INestApplication[] = [];

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  /** Every endpoint of HealthModule on, beside the metrics and the Terminus route. */
  async function boot(
    configure?: (app: INestApplication) => void,
    imports: (Type | DynamicModule)[] = [],
  ): Promise<INestApplication> {
    const moduleRef = await Test.createTestingModule({
      imports: [
        HealthModule.forRoot({
          evaluationIntervalMs: 0,
          checks: [{ name: 'payments', check: () => ({ status: HealthStatus.HEALTHY }) }],
          http: {
            basePath: 'ops/health',
            endpoints: { legacy: true, trends: true, status: true, events: true },
          },
        }),
        HealthMetricsModule.forRoot({ registry: new Registry() }),
        HealthTerminusModule.forRoot({ path: 'terminus' }),
        ...imports,
      ],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    apps.push(app);
    configure?.(app);
    await app.init();
    return app;
  }

  const documentOf = (app: INestApplication): OpenAPIObject =>
    SwaggerModule.createDocument(app, new DocumentBuilder().setTitle('t').build());

  /** Every operation of the document, by operationId (by path and method when ids repeat). */
  function operations(document: OpenAPIObject) {
    const found = new Map<
      string,
      { path: string; method: string; operation: Record<string, unknown> }
    >();
    for (const [path, item] of Object.entries(document.paths)) {
      for (const method of METHODS) {
        const operation = (item as Record<string, Record<string, unknown> | undefined>)[method];
        if (!operation) continue;
        const id = String(operation.operationId);
        found.set(found.has(id) ? `${method} ${path}` : id, { path, method, operation });
      }
    }
    return found;
  }

  /**
   * The library's routes in the app, read from Nest's metadata: `Controller_handler`, of these
   * modules; a handler a controller inherits (`class X extends XRoutes {}`) counts too.
   */
  function libraryRoutes(
    app: INestApplication,
    modules = ['HealthModule', 'HealthMetricsModule', 'HealthTerminusModule'],
  ): string[] {
    const ids: string[] = [];
    for (const module of app.get(ModulesContainer).values()) {
      if (!modules.includes(module.metatype?.name)) continue;
      for (const { metatype } of module.controllers.values()) {
        const type = metatype as Type;
        for (const key of handlerNames(type.prototype as object)) {
          const handler = (type.prototype as Record<string, unknown>)[key];
          if (key === 'constructor' || typeof handler !== 'function') continue;
          const method = Reflect.getMetadata('method', handler) as RequestMethod | undefined;
          if (method !== undefined) ids.push(`${type.name}_${key}`);
        }
      }
    }
    return ids;
  }

  /** Property names of a prototype and of those it inherits from, short of Object's. */
  function handlerNames(prototype: object): string[] {
    const names = new Set<string>();
    for (let p = prototype; p && p !== Object.prototype; p = Object.getPrototypeOf(p) as object) {
      for (const name of Object.getOwnPropertyNames(p)) names.add(name);
    }
    return [...names];
  }

  it('describes every route of the library with a summary and described responses', async () => {
    const app = await boot((a) => a.setGlobalPrefix('api'));
    const count = documentHealthEndpoints(app);
    const document = documentOf(app);
    const ops = operations(document);
    const routes = libraryRoutes(app);
    expect(routes.length).toBeGreaterThanOrEqual(11);
    expect(count).toBe(routes.length);
    for (const id of routes) {
      const found = ops.get(id);
      expect([id, found?.operation.summary]).toEqual([id, expect.any(String)]);
      const responses = Object.entries(
        found!.operation.responses as Record<string, { description: string }>,
      );
      expect(responses.length).toBeGreaterThan(0);
      for (const [, response] of responses) expect(response.description).not.toBe('');
      expect(found!.operation.tags).toEqual([
        id.startsWith('HealthMetrics') ? 'metrics' : 'health',
      ]);
    }
    // The paths follow the global prefix and the module's base path.
    expect(ops.get('LegacyHealthController_legacy')?.path).toBe('/api/ops/health');
    expect(ops.get('ProbesController_ready')?.path).toBe('/api/ops/health/ready');
    expect(ops.get('HealthMetricsController_scrape')?.path).toBe('/api/metrics');
    // The metrics token is presented as every access secret is: Bearer or X-API-Key.
    const scrape = ops.get('HealthMetricsController_scrape')?.operation.description;
    expect(scrape).toContain('`Authorization: Bearer <token>` or `X-API-Key: <token>`');
    expect(ops.get('TerminusFormatController_report')?.path).toBe('/api/terminus');
    expect(document.components?.schemas?.HealthResponse).toBeDefined();
  });

  // Lost in d7ffd30 (the admin endpoint moved to HealthConfigModule), back since 8f3e650.
  it('describes the admin endpoint of HealthConfigModule too', async () => {
    const app = await boot(
      (a) => a.setGlobalPrefix('api'),
      [HealthConfigModule.forRoot({ adminKeys: ['admin-key-0001-7c3e5a9b'] })],
    );
    const config = libraryRoutes(app, ['HealthConfigModule']);
    expect(config).toEqual([
      'HealthConfigController_get',
      'HealthConfigController_patch',
      'HealthConfigController_reset',
    ]);
    documentHealthEndpoints(app);
    const ops = operations(documentOf(app));
    for (const id of config) {
      expect([id, ops.get(id)?.operation.summary]).toEqual([id, expect.any(String)]);
      expect(ops.get(id)?.operation.tags).toEqual(['health']);
      expect(ops.get(id)?.path).toBe('/api/v1/health/config');
    }
  });

  it("leaves the app's own controllers alone, even one named like the library's", async () => {
    const app = await boot(undefined, [HostModule]);
    documentHealthEndpoints(app);
    const mine = [...operations(documentOf(app)).values()].find((o) => o.path === '/mine/ready');
    expect(mine?.path).toBe('/mine/ready');
    expect(mine?.operation.summary).toBeUndefined();
    expect(mine?.operation.tags).toEqual(['Probes']);
  });

  it('follows URI versioning of the app', async () => {
    const app = await boot((a) =>
      a.enableVersioning({ type: VersioningType.URI, defaultVersion: '2' }),
    );
    documentHealthEndpoints(app);
    const ops = operations(documentOf(app));
    // The library's controllers are version-neutral by default.
    expect(ops.get('LegacyHealthController_legacy')?.path).toBe('/ops/health');
  });

  it('is idempotent: a second call changes nothing', async () => {
    const app = await boot();
    const first = documentHealthEndpoints(app);
    const before = JSON.stringify(documentOf(app));
    expect(documentHealthEndpoints(app)).toBe(first);
    expect(JSON.stringify(documentOf(app))).toBe(before);
    const ready = operations(documentOf(app)).get('ProbesController_ready');
    expect((ready?.operation.parameters as { name: string }[]).map((p) => p.name)).toEqual([
      'verbose',
      'exclude',
    ]);
  });

  it('takes its own tags, and refuses an empty one', async () => {
    const app = await boot();
    documentHealthEndpoints(app, { tag: 'Operations', metricsTag: 'Observability' });
    const ops = operations(documentOf(app));
    expect(ops.get('TrendsController_get')?.operation.tags).toEqual(['Operations']);
    expect(ops.get('HealthMetricsController_scrape')?.operation.tags).toEqual(['Observability']);
    expect(() => documentHealthEndpoints(app, { tag: ' ' })).toThrow(HealthConfigurationError);
    expect(() => documentHealthEndpoints(app, { metricsTag: 5 as never })).toThrow(
      'Invalid setting openapi.metricsTag: 5 (expected a non-empty tag name)',
    );
  });

  it('describes only the handlers a controller has, and skips what it does not know', () => {
    @Controller('legacy')
    class LegacyHealthController {}
    @Controller('other')
    class SomethingElseController {}
    @Module({ controllers: [LegacyHealthController] })
    class HealthMetricsModule {}
    const wrappers = (...types: unknown[]) => new Map(types.map((t, i) => [i, { metatype: t }]));
    const container = new Map([
      [
        'm',
        {
          metatype: HealthMetricsModule,
          controllers: wrappers(LegacyHealthController, SomethingElseController, undefined),
        },
      ],
      ['x', { metatype: undefined, controllers: wrappers(undefined) }],
    ]);
    expect(documentHealthEndpoints({ get: () => container } as never)).toBe(0);
    expect(Reflect.getMetadata('swagger/apiUseTags', SomethingElseController)).toBeUndefined();
  });

  it('gives the legacy schema the name and fields of the template', () => {
    expect(HealthResponse.name).toBe('HealthResponse');
    expect(Object.keys(HEALTH_ROUTE_DOCS)).toContain('LegacyHealthController');
  });
});
