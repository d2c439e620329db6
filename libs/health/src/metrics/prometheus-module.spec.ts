// An app with @willsoto/nestjs-prometheus: this file loads it, as such an app does.
import type { INestApplication, LoggerService } from '@nestjs/common';
import { ConsoleLogger, Controller, Get, Res, UseGuards } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { PrometheusController, PrometheusModule } from '@willsoto/nestjs-prometheus';
import type { Response } from 'express';
import { Registry, register } from 'prom-client';
import request from 'supertest';
import { HealthStatus } from '../core/health-status';
import { HealthModule } from '../health.module';
import { HealthConfigurationError } from '../shared/errors';
import { HealthMetricsGuard } from './metrics.guard';
import { HEALTH_METRIC_NAMES } from './metrics.constants';
import { HealthMetricsModule } from './health-metrics.module';
import { willsotoLoaded } from './prometheus-module';

const TOKEN = 'willsoto-scrape-token-0123456789';
const PAYMENTS = 'health_component_status{component="payments",state="healthy"} 1';

class Recorded extends ConsoleLogger {
  readonly lines: string[] = [];
  override log(message: unknown): void {
    this.lines.push(`log ${String(message)}`);
  }
  override warn(message: unknown): void {
    this.lines.push(`warn ${String(message)}`);
  }
}

/** willsoto's controller behind the scrape token, as apps/api has it. */
@Controller()
@UseGuards(HealthMetricsGuard)
class GuardedController extends PrometheusController {
  @Get()
  override index(@Res({ passthrough: true }) response: Response): Promise<string> {
    return super.index(response);
  }
}

/** A registry of the app's own, given to willsoto, and a controller serving it. */
const custom = new Registry();

@Controller()
class CustomRegistryController extends PrometheusController {
  @Get()
  override async index(@Res({ passthrough: true }) response: Response): Promise<string> {
    response.header('Content-Type', custom.contentType);
    return custom.metrics();
  }
}

describe('HealthMetricsModule in an app with @willsoto/nestjs-prometheus', () => {
  let app: INestApplication | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
    register.clear();
    custom.clear();
  });

  async function boot(
    imports: unknown[],
    logger: LoggerService = new ConsoleLogger({ logLevels: [] }),
  ): Promise<INestApplication> {
    const moduleRef = await Test.createTestingModule({
      imports: [
        HealthModule.forRoot({
          exposeHttp: false,
          checks: [{ name: 'payments', check: () => ({ status: HealthStatus.HEALTHY }) }],
        }),
        ...(imports as never[]),
      ],
    })
      .setLogger(logger)
      .compile();
    app = moduleRef.createNestApplication({ logger });
    await app.init();
    return app;
  }

  const scrape = (path = '/metrics') => request(app!.getHttpServer()).get(path);

  it('is loaded here, as in such an app', () => {
    expect(willsotoLoaded()).toBe(true);
  });

  it.each([
    ['before', (m: unknown) => [PrometheusModule.register(), m]],
    [
      'after',
      (m: unknown) => [m, PrometheusModule.register({ defaultMetrics: { enabled: false } })],
    ],
  ])(
    'PrometheusModule (imported %s it) serves the health series; no second /metrics, one log line',
    async (_where, imports) => {
      const logger = new Recorded();
      await boot(imports(HealthMetricsModule.forRoot()), logger);
      const res = await scrape().expect(200);
      expect(res.text).toContain(PAYMENTS);
      expect(res.text).toMatch(new RegExp(`^${HEALTH_METRIC_NAMES.overallStatus}\\{`, 'm'));
      expect(logger.lines.filter((line) => line.includes('Health metrics'))).toEqual([
        "log Health metrics go into prom-client's global registry, served by PrometheusModule (@willsoto/nestjs-prometheus) at /metrics: no second /metrics mounted",
      ]);
    },
  );

  it('keeps the process metrics willsoto collects once, and HealthMetricsModule adds none twice', async () => {
    await boot([
      PrometheusModule.register(),
      HealthMetricsModule.forRoot({ defaultMetrics: true }),
    ]);
    const res = await scrape().expect(200);
    expect(res.text.match(/^process_cpu_user_seconds_total /gm)).toHaveLength(1);
    expect(res.text).toContain(PAYMENTS);
  });

  it('puts the health series in the registry given to willsoto, none in the global one', async () => {
    const logger = new Recorded();
    await boot(
      [
        PrometheusModule.register({
          controller: CustomRegistryController,
          defaultMetrics: { enabled: true, config: { register: custom } },
        }),
        HealthMetricsModule.forRoot(),
      ],
      logger,
    );
    const res = await scrape().expect(200);
    expect(res.text).toContain(PAYMENTS);
    expect(res.text).toContain('process_cpu_user_seconds_total');
    expect(await register.metrics()).not.toContain('health_component_status');
    expect(logger.lines).toContain(
      'log Health metrics go into the registry given to PrometheusModule (@willsoto/nestjs-prometheus) at /metrics: no second /metrics mounted',
    );
  });

  it('serves at willsoto’s own path', async () => {
    await boot([
      PrometheusModule.register({ path: '/prom', defaultMetrics: { enabled: false } }),
      HealthMetricsModule.forRoot(),
    ]);
    expect((await scrape('/prom').expect(200)).text).toContain(PAYMENTS);
    await scrape('/metrics').expect(404);
  });

  describe('with a scrape token', () => {
    it('refuses to start while willsoto’s controller does not check it', async () => {
      await expect(
        boot([
          PrometheusModule.register({ defaultMetrics: { enabled: false } }),
          HealthMetricsModule.forRoot({ token: TOKEN }),
        ]),
      ).rejects.toThrow(
        new HealthConfigurationError(
          'metrics.token',
          '***',
          "PrometheusModule's controller to check it: PrometheusController serves /metrics without @UseGuards(HealthMetricsGuard) (see docs/metrics.md)",
        ),
      );
    });

    it('guards willsoto’s controller with HealthMetricsGuard: 401 without the token, the series with it', async () => {
      await boot([
        PrometheusModule.register({
          controller: GuardedController,
          defaultMetrics: { enabled: false },
        }),
        HealthMetricsModule.forRoot({ token: TOKEN }),
      ]);
      const refused = await scrape().expect(401);
      expect(refused.headers['www-authenticate']).toBe('Bearer realm="metrics"');
      expect(refused.headers['cache-control']).toBe('no-store');
      expect(refused.text).not.toContain('health_');
      const res = await scrape().set('Authorization', `Bearer ${TOKEN}`).expect(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.text).toContain(PAYMENTS);
    });
  });

  it('mounts its own route beside willsoto’s when given a path', async () => {
    await boot([
      PrometheusModule.register({ defaultMetrics: { enabled: false } }),
      HealthMetricsModule.forRoot({ path: 'health-metrics' }),
    ]);
    expect((await scrape('/health-metrics').expect(200)).text).toContain(PAYMENTS);
    expect((await scrape('/metrics').expect(200)).text).toContain(PAYMENTS);
  });

  it('warns that nothing serves the series when willsoto is loaded but not in the app', async () => {
    const logger = new Recorded();
    await boot([HealthMetricsModule.forRoot()], logger);
    await scrape().expect(404);
    expect(logger.lines).toContain(
      'warn @willsoto/nestjs-prometheus is loaded but no PrometheusModule is in the app: nothing serves the health metrics (give HealthMetricsModule a path to serve them itself)',
    );
  });
});
