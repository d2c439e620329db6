import type { INestApplication, LoggerService } from '@nestjs/common';
import { ConsoleLogger, Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Gauge, Registry } from 'prom-client';
import request from 'supertest';
import { HealthConfigurationError } from '../shared/errors';
import { HealthStatus } from '../core/health-status';
import { HealthModule } from '../health.module';
import type { HealthMetricsCollector, HealthMetricsOptions } from '.';
import { HEALTH_METRIC_NAMES, HealthMetricsModule, healthMetricsOptionsFromEnv } from '.';
import { resolveMetricsSettings } from './metrics.settings';

const TOKEN = 'prom-scrape-token-0123456789abcdef';
const NEXT_TOKEN = 'rotated+token/ABCDEFGHIJKLMNOP==';
const PROCESS_METRIC = 'process_cpu_user_seconds_total';

/** A collector of the app's own: one gauge, attached and detached as the module says. */
class QueueDepth implements HealthMetricsCollector {
  readonly events: string[] = [];
  attach(registry: Registry): string[] {
    this.events.push('attach');
    registry.registerMetric(this.gauge);
    return [];
  }
  detach(registry: Registry): void {
    this.events.push('detach');
    registry.removeSingleMetric('queue_depth');
  }
  private readonly gauge = new Gauge({
    name: 'queue_depth',
    help: 'Jobs waiting.',
    registers: [],
    collect() {
      this.set(7);
    },
  });
}

@Injectable()
class Secrets {
  readonly token = TOKEN;
}

@Module({ providers: [Secrets], exports: [Secrets] })
class SecretsModule {}

describe('HealthMetricsModule: the scrape token, forRootAsync and collectors', () => {
  const apps: INestApplication[] = [];

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  async function boot(
    metrics: ReturnType<typeof HealthMetricsModule.forRoot>,
    logger: LoggerService | false = false,
  ) {
    const moduleRef = await Test.createTestingModule({
      imports: [
        HealthModule.forRoot({
          exposeHttp: false,
          evaluationIntervalMs: 0,
          checks: [{ name: 'payments', check: () => ({ status: HealthStatus.HEALTHY }) }],
        }),
        metrics,
      ],
    })
      .setLogger(logger || new ConsoleLogger({ logLevels: [] }))
      .compile();
    const app = moduleRef.createNestApplication({ logger });
    apps.push(app);
    await app.init();
    return app;
  }

  const scrape = (app: INestApplication, authorization?: string) => {
    const req = request(app.getHttpServer()).get('/metrics');
    return authorization === undefined ? req : req.set('Authorization', authorization);
  };

  describe('with a token', () => {
    const options = (over: HealthMetricsOptions = {}) =>
      HealthMetricsModule.forRoot({ registry: new Registry(), token: TOKEN, ...over });

    it('answers 401 and nothing else without a valid token', async () => {
      const app = await boot(options());
      for (const authorization of [
        undefined,
        '',
        'Bearer',
        'Bearer wrong-token-0123456789abcdef',
        `Bearer ${TOKEN}x`,
        `Bearer ${TOKEN.slice(0, -1)}`,
        `Basic ${Buffer.from(`prometheus:${TOKEN}`).toString('base64')}`,
        TOKEN,
      ]) {
        const res = await scrape(app, authorization).expect(401);
        expect(res.headers['www-authenticate']).toBe('Bearer realm="metrics"');
        expect(res.headers['cache-control']).toBe('no-store');
        expect(res.body).toEqual({ message: 'Unauthorized', statusCode: 401 });
        expect(res.text).not.toContain(TOKEN);
        expect(res.text).not.toContain(HEALTH_METRIC_NAMES.componentStatus);
      }
    });

    it('serves the metrics to a scrape with the token, as Prometheus sends it', async () => {
      const app = await boot(options());
      const res = await scrape(app, `Bearer ${TOKEN}`).expect(200);
      expect(res.text).toContain(HEALTH_METRIC_NAMES.componentStatus);
      expect(res.text).not.toContain(TOKEN);
      await scrape(app, `bearer   ${TOKEN}`).expect(200);
    });

    it('takes the token in X-API-Key too, as every access secret', async () => {
      const app = await boot(options());
      const res = await request(app.getHttpServer())
        .get('/metrics')
        .set('X-API-Key', TOKEN)
        .expect(200);
      expect(res.text).toContain(HEALTH_METRIC_NAMES.componentStatus);
      await request(app.getHttpServer()).get('/metrics').set('X-API-Key', `${TOKEN}x`).expect(401);
    });

    it('takes any of several tokens, to rotate without downtime', async () => {
      const app = await boot(options({ token: [TOKEN, NEXT_TOKEN] }));
      await scrape(app, `Bearer ${TOKEN}`).expect(200);
      await scrape(app, `Bearer ${NEXT_TOKEN}`).expect(200);
      await scrape(app, 'Bearer someone-elses-token-0123456789').expect(401);
    });

    it('is open to all without a token, as before', async () => {
      const app = await boot(HealthMetricsModule.forRoot({ registry: new Registry() }));
      await scrape(app).expect(200);
      await scrape(app, 'Bearer anything-at-all-0123456789').expect(200);
    });

    it.each([
      ['too short', 'short-token'],
      ['with a space', 'token with spaces 0123456789'],
      ['with a comma', 'token,0123456789abcdefghijkl'],
      ['empty', ''],
      ['a number', 1234567890123456],
      ['an empty list', []],
      ['a list with a bad one', [TOKEN, 'bad']],
    ])('refuses a token %s, never showing it', (_, token) => {
      const build = () =>
        HealthMetricsModule.forRoot({ token: token as string, registry: new Registry() });
      expect(build).toThrow(HealthConfigurationError);
      expect(build).toThrow(
        'Invalid setting metrics.token: "***" (expected a secret of at least 16 characters: letters, digits, - . _ ~ + / (then optional =))',
      );
    });
  });

  describe('forRootAsync', () => {
    it('takes the token, the collectors and defaultMetrics from a factory with DI', async () => {
      const registry = new Registry();
      const queue = new QueueDepth();
      const app = await boot(
        HealthMetricsModule.forRootAsync({
          registry,
          imports: [SecretsModule],
          inject: [Secrets],
          useFactory: async (secrets: Secrets) => ({
            token: secrets.token,
            collectors: [queue],
            defaultMetrics: true,
          }),
        }),
      );
      expect(queue.events).toEqual(['attach']);
      await scrape(app).expect(401);
      const res = await scrape(app, `Bearer ${TOKEN}`).expect(200);
      expect(res.text).toMatch(/^queue_depth 7$/m);
      expect(res.text).toContain(PROCESS_METRIC);
      expect(res.text).toContain(HEALTH_METRIC_NAMES.componentStatus);
      await app.close();
      apps.splice(0);
      expect(queue.events).toEqual(['attach', 'detach']);
      expect(registry.getSingleMetric('queue_depth')).toBeUndefined();
    });

    it('says which metrics a collector took over from another left in the registry', async () => {
      const warnings: string[] = [];
      const logger: LoggerService = {
        log: () => undefined,
        error: () => undefined,
        warn: (message: unknown) => warnings.push(String(message)),
      };
      const leftover: HealthMetricsCollector = {
        attach: () => ['cache_hits_total', 'cache_misses_total'],
        detach: () => undefined,
      };
      await boot(
        HealthMetricsModule.forRoot({ registry: new Registry(), collectors: [leftover] }),
        logger,
      );
      expect(warnings).toContain(
        'Replaced collector metrics left in the registry: cache_hits_total, cache_misses_total',
      );
    });

    it('collects no process metrics unless asked, and serves at its own path', async () => {
      const registry = new Registry();
      const app = await boot(
        HealthMetricsModule.forRootAsync({
          registry,
          path: 'internal/prom',
          useFactory: () => ({}),
        }),
      );
      const res = await request(app.getHttpServer()).get('/internal/prom').expect(200);
      expect(res.text).not.toContain(PROCESS_METRIC);
      await scrape(app).expect(404);
    });

    it('stops startup on a bad value from the factory, naming the setting', async () => {
      await expect(
        boot(
          HealthMetricsModule.forRootAsync({
            registry: new Registry(),
            useFactory: () => ({ token: 'weak' }),
          }),
        ),
      ).rejects.toThrow('Invalid setting metrics.token: "***"');
    });

    it('refuses options without a factory', () => {
      expect(() => HealthMetricsModule.forRootAsync({} as never)).toThrow(
        'Invalid setting metrics.useFactory: "undefined" (expected a function)',
      );
      expect(() => HealthMetricsModule.forRootAsync(undefined as never)).toThrow(
        HealthConfigurationError,
      );
    });
  });

  describe('settings', () => {
    it('refuses what is not an object, and collectors that are not collectors', () => {
      expect(() => resolveMetricsSettings(null as never)).toThrow(
        'Invalid setting metrics: "object" (expected an object)',
      );
      for (const collectors of [{}, [{ attach: () => [] }], ['x']]) {
        expect(() => resolveMetricsSettings({ collectors: collectors as never })).toThrow(
          'expected an array of collectors: { attach(registry), detach(registry) }',
        );
      }
      expect(() => resolveMetricsSettings({ defaultMetrics: 'yes' as never })).toThrow(
        'Invalid setting metrics.defaultMetrics: "yes" (expected true or false)',
      );
      expect(resolveMetricsSettings({})).toEqual({
        defaultMetrics: false,
        tokens: [],
        collectors: [],
      });
    });
  });

  describe('healthMetricsOptionsFromEnv', () => {
    it('reads HEALTH_METRICS_TOKEN: one token, or several separated by commas', () => {
      expect(healthMetricsOptionsFromEnv({})).toEqual({});
      expect(healthMetricsOptionsFromEnv({ HEALTH_METRICS_TOKEN: '' })).toEqual({});
      expect(healthMetricsOptionsFromEnv({ HEALTH_METRICS_TOKEN: TOKEN })).toEqual({
        token: [TOKEN],
      });
      expect(
        healthMetricsOptionsFromEnv((key) =>
          key === 'HEALTH_METRICS_TOKEN' ? `${TOKEN} , ${NEXT_TOKEN},` : undefined,
        ),
      ).toEqual({ token: [TOKEN, NEXT_TOKEN] });
      expect(
        healthMetricsOptionsFromEnv({ HEALTH_METRICS_TOKEN: JSON.stringify([TOKEN, NEXT_TOKEN]) }),
      ).toEqual({ token: [TOKEN, NEXT_TOKEN] });
    });

    it.each([' ', '  \t', ',', ' , ', '[]'])(
      'refuses HEALTH_METRICS_TOKEN set but blank (%j) instead of leaving /metrics open',
      (value) => {
        expect(() => healthMetricsOptionsFromEnv({ HEALTH_METRICS_TOKEN: value })).toThrow(
          'Invalid setting HEALTH_METRICS_TOKEN: "***" (expected one or more secrets, not a blank value (leave it unset or empty for none))',
        );
      },
    );

    it('names the variable on a bad token and never shows it', () => {
      for (const value of ['tooshort', `${TOKEN},short`, `${TOKEN} extra`]) {
        let error: unknown;
        try {
          healthMetricsOptionsFromEnv({ HEALTH_METRICS_TOKEN: value });
        } catch (caught) {
          error = caught;
        }
        expect(error).toBeInstanceOf(HealthConfigurationError);
        expect(error).toMatchObject({ setting: 'HEALTH_METRICS_TOKEN', value: '***' });
        expect((error as Error).message).not.toContain(value);
        expect((error as Error).message).not.toContain(TOKEN);
      }
    });
  });
});
