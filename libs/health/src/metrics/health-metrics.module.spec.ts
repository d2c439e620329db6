import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { Inject, Injectable, Module, VersioningType } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Response } from 'supertest';
import request from 'supertest';
import type { OpenMetricsContentType } from 'prom-client';
import { Counter, Registry, register } from 'prom-client';
import { HealthConfigurationError } from '../shared/errors';
import { HealthStatus } from '../core/health-status';
import { HealthService } from '../core/health.service';
import { HealthModule } from '../health.module';
import { HealthConfigModule } from '../config/health-config.module';
import { HealthConfigService } from '../config/health-config.service';
import { parseMetrics, select, stateSets } from '../testing/prometheus-text';
import type { HealthMetricsOptions } from '.';
import { HEALTH_METRIC_NAMES, HealthMetricsModule } from '.';
import { HEALTH_METRICS_REGISTRY } from '../shared/tokens';
import { HealthMetrics } from './health.metrics';

/** A metric of prom-client's default (process) metrics. */
const PROCESS_METRIC = 'process_cpu_user_seconds_total';

describe('HealthMetricsModule', () => {
  const apps: INestApplication[] = [];
  let status = HealthStatus.HEALTHY;
  /** Runs of the one check every app here has. */
  let calls = 0;

  beforeEach(() => {
    status = HealthStatus.HEALTHY;
    calls = 0;
  });

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  afterAll(() => {
    // The process metrics stay in the global registry by design; this file leaves none behind.
    register.clear();
  });

  interface Boot {
    /** `HealthMetricsModule.forRoot()`'s options; `false` leaves the module out. */
    metrics?: HealthMetricsOptions | false;
    /** Overrides the registry the module provides. */
    registry?: Registry;
    /** Serve the HealthModule endpoints too. */
    exposeHttp?: boolean;
    /** More modules of the app. */
    imports?: (Type | DynamicModule)[];
    /** Before init: global prefix, versioning. */
    configure?: (app: INestApplication) => void;
  }

  /** Boots an app with one check, `payments`, and waits for the engine's bootstrap evaluation. */
  async function boot({
    metrics = {},
    registry,
    exposeHttp = false,
    imports = [],
    configure,
  }: Boot = {}): Promise<INestApplication> {
    const builder = Test.createTestingModule({
      imports: [
        HealthModule.forRoot({
          exposeHttp,
          retries: 0,
          evaluationIntervalMs: 0,
          checks: [{ name: 'payments', check: () => (calls++, { status }) }],
        }),
        ...(metrics === false ? [] : [HealthMetricsModule.forRoot(metrics)]),
        ...imports,
      ],
    });
    if (registry) builder.overrideProvider(HEALTH_METRICS_REGISTRY).useValue(registry);
    const app = (await builder.compile()).createNestApplication({ logger: false });
    apps.push(app);
    configure?.(app);
    await app.init();
    const health = app.get(HealthService);
    while (!health.started) await new Promise((resolve) => setImmediate(resolve));
    return app;
  }

  const states = async (registry: Registry) =>
    stateSets(parseMetrics(await registry.metrics()), HEALTH_METRIC_NAMES.componentStatus);

  const get = (app: INestApplication, path: string) => request(app.getHttpServer()).get(path);

  /** Media type and sorted parameters: Express puts its charset first. */
  const contentType = (res: Response) => {
    const [type, ...params] = String(res.headers['content-type']).split(/;\s*/);
    return [type, params.sort()];
  };

  describe('the metrics', () => {
    it('is provided by the module and records the bootstrap evaluation', async () => {
      const registry = new Registry();
      const app = await boot({ registry });
      expect(app.get(HealthMetrics)).toBeInstanceOf(HealthMetrics);
      // Nobody asked: the engine evaluated by itself after bootstrap, and the metrics have it.
      expect(calls).toBe(1);
      expect(await states(registry)).toEqual({ payments: 'healthy' });
      status = HealthStatus.DEGRADED;
      await app.get(HealthService).check();
      expect(await states(registry)).toEqual({ payments: 'degraded' });
      await app.close();
      expect(registry.getMetricsAsArray()).toEqual([]);
    });

    it('serves the configuration version and failed reloads, read at each scrape', async () => {
      const registry = new Registry();
      const app = await boot({ registry, imports: [HealthConfigModule.forRoot({ http: false })] });
      const config = app.get(HealthConfigService);
      const value = async (name: string) =>
        parseMetrics(await registry.metrics()).find((s) => s.name === name)?.value;
      expect(await value(HEALTH_METRIC_NAMES.configVersion)).toBe(1);
      expect(await value(HEALTH_METRIC_NAMES.configReloadFailures)).toBe(0);
      config.applyConfiguration({ checks: { payments: { timeoutMs: 500 } } });
      config.noteFailure();
      expect(await value(HEALTH_METRIC_NAMES.configVersion)).toBe(2);
      expect(await value(HEALTH_METRIC_NAMES.configReloadFailures)).toBe(1);
    });

    it('serves version 1 and no failed reload without HealthConfigModule', async () => {
      const registry = new Registry();
      await boot({ registry });
      const samples = parseMetrics(await registry.metrics());
      const value = (name: string) => samples.find((s) => s.name === name)?.value;
      expect(value(HEALTH_METRIC_NAMES.configVersion)).toBe(1);
      expect(value(HEALTH_METRIC_NAMES.configReloadFailures)).toBe(0);
    });

    it("uses prom-client's global registry by default, and leaves it clean on close", async () => {
      const first = await boot();
      const second = await boot();
      expect(first.get(HEALTH_METRICS_REGISTRY)).toBe(register);
      await second.get(HealthService).check();
      expect(register.getSingleMetric(HEALTH_METRIC_NAMES.componentStatus)).toBeDefined();
      await first.close();
      expect(register.getSingleMetric(HEALTH_METRIC_NAMES.componentStatus)).toBeDefined();
      await second.close();
      const left = register.getMetricsAsArray().map((metric) => metric.name);
      expect(left.filter((name) => name.startsWith('health_'))).toEqual([]);
    });

    it('puts the metrics in the registry given by the registry option, not the global one', async () => {
      const own = new Registry();
      const app = await boot({ metrics: { registry: own } });
      expect(app.get(HEALTH_METRICS_REGISTRY)).toBe(own);
      status = HealthStatus.UNHEALTHY;
      await app.get(HealthService).check();
      expect(await states(own)).toEqual({ payments: 'unhealthy' });
      for (const name of Object.values(HEALTH_METRIC_NAMES)) {
        expect(register.getSingleMetric(name)).toBeUndefined();
        expect(own.getSingleMetric(name)).toBeDefined();
      }
    });

    it('registers no metric and serves nothing without HealthMetricsModule', async () => {
      const app = await boot({ metrics: false });
      await app.get(HealthService).check();
      for (const name of Object.values(HEALTH_METRIC_NAMES)) {
        expect(register.getSingleMetric(name)).toBeUndefined();
      }
      expect(() => app.get(HEALTH_METRICS_REGISTRY, { strict: false })).toThrow();
      await get(app, '/metrics').expect(404);
    });

    it("shares its registry with the app's own providers", async () => {
      @Injectable()
      class Orders {
        readonly placed: Counter;
        constructor(@Inject(HEALTH_METRICS_REGISTRY) registry: Registry) {
          this.placed = new Counter({
            name: 'orders_placed_total',
            help: 'x',
            registers: [registry],
          });
        }
      }
      @Module({ providers: [Orders] })
      class OrdersModule {}
      const own = new Registry();
      const app = await boot({ metrics: { registry: own }, imports: [OrdersModule] });
      app.get(Orders).placed.inc(2);
      const samples = parseMetrics((await get(app, '/metrics').expect(200)).text);
      expect(select(samples, 'orders_placed_total')).toEqual([
        { name: 'orders_placed_total', labels: {}, value: 2 },
      ]);
      expect(stateSets(samples, HEALTH_METRIC_NAMES.componentStatus)).toEqual({
        payments: 'healthy',
      });
    });
  });

  describe('the endpoint', () => {
    it("serves GET /metrics with prom-client's content type, uncached, and never runs a check", async () => {
      const app = await boot();
      await app.get(HealthService).check();
      const before = calls;
      const res = await get(app, '/metrics').expect(200);
      for (let i = 0; i < 3; i++) await get(app, '/metrics').expect(200);
      expect(calls).toBe(before);
      expect(contentType(res)).toEqual(['text/plain', ['charset=utf-8', 'version=0.0.4']]);
      expect(register.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-store');
      const samples = parseMetrics(res.text);
      expect(stateSets(samples, HEALTH_METRIC_NAMES.componentStatus)).toEqual({
        payments: 'healthy',
      });
      expect(stateSets(samples, HEALTH_METRIC_NAMES.overallStatus)).toEqual({ '': 'healthy' });
      expect(select(samples, HEALTH_METRIC_NAMES.checkRuns, { status: 'healthy' })).toEqual([
        { name: HEALTH_METRIC_NAMES.checkRuns, labels: expect.anything(), value: before },
      ]);
    });

    it('serves the registry given, and its content type (OpenMetrics here)', async () => {
      const own = new Registry<OpenMetricsContentType>();
      own.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
      // The option is typed Registry (Prometheus format): an OpenMetrics one needs a cast.
      const app = await boot({ metrics: { registry: own as unknown as Registry } });
      new Counter({ name: 'only_in_global', help: 'x' });
      try {
        const res = await get(app, '/metrics').expect(200);
        expect(contentType(res)).toEqual([
          'application/openmetrics-text',
          ['charset=utf-8', 'version=1.0.0'],
        ]);
        // The same text but for the evaluation's age, read at each scrape.
        const aged = (text: string) => text.replace(/^health_evaluation_age_seconds .*$/m, '');
        expect(aged(res.text)).toBe(aged(await own.metrics()));
        expect(res.text).not.toContain('only_in_global');
        expect(res.text).toContain(HEALTH_METRIC_NAMES.componentStatus);
      } finally {
        register.removeSingleMetric('only_in_global');
      }
    });

    it('serves under the global prefix, whatever the versioning', async () => {
      const app = await boot({
        configure: (it) => {
          it.setGlobalPrefix('api');
          it.enableVersioning({ type: VersioningType.URI, defaultVersion: '1' });
        },
      });
      const res = await get(app, '/api/metrics').expect(200);
      expect(res.text).toContain(HEALTH_METRIC_NAMES.componentStatus);
      await get(app, '/metrics').expect(404);
      await get(app, '/api/v1/metrics').expect(404);
    });

    it.each(['internal/metrics', '/internal/metrics/'])('serves at path %j', async (path) => {
      const app = await boot({ metrics: { path } });
      const res = await get(app, '/internal/metrics').expect(200);
      expect(res.text).toContain(HEALTH_METRIC_NAMES.componentStatus);
      await get(app, '/metrics').expect(404);
    });

    it('mounts nothing with path: false, and still fills the registry', async () => {
      const own = new Registry();
      const app = await boot({ metrics: { path: false, registry: own } });
      await get(app, '/metrics').expect(404);
      expect(await states(own)).toEqual({ payments: 'healthy' });
    });

    it('lives beside the HealthModule endpoints', async () => {
      const app = await boot({ exposeHttp: true });
      await get(app, '/v1/health/components').expect(200);
      await get(app, '/metrics').expect(200);
    });

    // Routes classes are mounted by subclasses: the clash check reads inherited handlers.
    it('is refused at startup when a health route takes its path', async () => {
      const failing = Test.createTestingModule({
        imports: [
          // The legacy body is served at the base path itself: GET /metrics.
          HealthModule.forRoot({
            evaluationIntervalMs: 0,
            http: { basePath: 'metrics', endpoints: { legacy: true } },
          }),
          HealthMetricsModule.forRoot(),
        ],
      })
        .compile()
        .then((moduleRef) => moduleRef.createNestApplication({ logger: false }).init());
      await expect(failing).rejects.toThrow(/HealthMetricsController.scrape serves GET \/metrics/);
    });
  });

  describe('defaultMetrics', () => {
    const processSamples = async (app: INestApplication) =>
      select(parseMetrics((await get(app, '/metrics').expect(200)).text), PROCESS_METRIC);

    it('adds no process metric by default', async () => {
      const own = new Registry();
      const app = await boot({ metrics: { registry: own } });
      expect(await processSamples(app)).toEqual([]);
      expect(own.getSingleMetric(PROCESS_METRIC)).toBeUndefined();
    });

    it("with true, adds prom-client's process metrics to the registry", async () => {
      const own = new Registry();
      const app = await boot({ metrics: { registry: own, defaultMetrics: true } });
      expect(await processSamples(app)).toHaveLength(1);
      const samples = parseMetrics((await get(app, '/metrics').expect(200)).text);
      expect(select(samples, 'nodejs_heap_size_used_bytes')).toHaveLength(1);
    });

    it('registers them once when apps boot one after another, or side by side', async () => {
      const processMetrics = () =>
        register.getMetricsAsArray().filter((metric) => metric.name === PROCESS_METRIC);
      const first = await boot({ metrics: { defaultMetrics: true } });
      expect(await processSamples(first)).toHaveLength(1);
      await first.close();
      const second = await boot({ metrics: { defaultMetrics: true } });
      expect(await processSamples(second)).toHaveLength(1);
      const third = await boot({ metrics: { defaultMetrics: true } });
      expect(await processSamples(third)).toHaveLength(1);
      expect(processMetrics()).toHaveLength(1);
    });
  });

  describe('invalid options', () => {
    it.each<[string, unknown, string]>([
      ['path "??"', { path: '??' }, 'metrics.path'],
      ['an empty path', { path: '' }, 'metrics.path'],
      ['path "/"', { path: '/' }, 'metrics.path'],
      ['path true', { path: true }, 'metrics.path'],
      ['a path with a space', { path: 'my metrics' }, 'metrics.path'],
      ['registry {}', { registry: {} }, 'metrics.registry'],
      ['registry null', { registry: null }, 'metrics.registry'],
      ['defaultMetrics "yes"', { defaultMetrics: 'yes' }, 'metrics.defaultMetrics'],
    ])('refuses %s, naming the setting', (_, options, setting) => {
      let error: unknown;
      try {
        HealthMetricsModule.forRoot(options as HealthMetricsOptions);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(HealthConfigurationError);
      expect(error).toMatchObject({ setting });
      expect((error as Error).message).toContain(`Invalid setting ${setting}:`);
    });
  });
});
