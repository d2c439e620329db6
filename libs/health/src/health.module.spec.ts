import type { INestApplication } from '@nestjs/common';
import { Injectable, Logger, Module, Scope } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import type { HealthIndicator } from './core/health-check';
import { HealthStatus } from './core/health-status';
import { HealthService } from './core/health.service';
import { RegisterHealthIndicator } from './core/indicator.explorer';
import { healthOptionsFromEnv } from './health.env';
import { HealthModule } from './health.module';
import { HealthTrends } from './trends/health-trends.service';

@Injectable()
class PaymentsClient {
  reachable = true;
}

@RegisterHealthIndicator({ timeoutMs: 25, critical: false, tags: ['ready'] })
@Injectable()
class PaymentsIndicator implements HealthIndicator {
  readonly name = 'payments';
  constructor(private readonly client: PaymentsClient) {}
  check() {
    return this.client.reachable
      ? { status: HealthStatus.HEALTHY, message: 'Payments API reachable' }
      : { status: HealthStatus.UNHEALTHY, message: 'Payments API unreachable' };
  }
}

@Module({ providers: [PaymentsClient, PaymentsIndicator], exports: [PaymentsClient] })
class PaymentsModule {}

/** A domain service in a module that does not import HealthModule: the global export reaches it. */
@Injectable()
class OrdersService {
  constructor(readonly health: HealthService) {}
}

@Module({ providers: [OrdersService] })
class OrdersModule {}

describe('HealthModule', () => {
  let app: INestApplication | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
    jest.restoreAllMocks();
  });

  async function boot(imports: unknown[]): Promise<INestApplication> {
    const moduleRef = await Test.createTestingModule({ imports: imports as never[] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    return app;
  }

  it('forRoot registers checks from options and indicators found through DI, and is global', async () => {
    await boot([
      HealthModule.forRoot({
        checks: [{ name: 'static', check: () => ({ status: HealthStatus.HEALTHY }) }],
      }),
      PaymentsModule,
      OrdersModule,
    ]);
    const health = app!.get(OrdersService).health;
    expect(health).toBe(app!.get(HealthService));
    expect(health.names().sort()).toEqual(['payments', 'static']);

    app!.get(PaymentsClient).reachable = false;
    const report = await health.check();
    // The decorator's options apply: payments is not critical, so the system is at worst degraded.
    expect(report.overall_status).toBe(HealthStatus.DEGRADED);
    expect(report.components.find((c) => c.name === 'payments')).toMatchObject({
      status: 'unhealthy',
      message: 'Payments API unreachable',
    });
  });

  it('forRootAsync builds options from injected providers', async () => {
    @Injectable()
    class Settings {
      readonly version = '7.7.7';
    }
    @Module({ providers: [Settings], exports: [Settings] })
    class SettingsModule {}

    await boot([
      HealthModule.forRootAsync({
        imports: [SettingsModule],
        inject: [Settings],
        useFactory: (settings: Settings) => ({ version: settings.version }),
      }),
    ]);
    expect(app!.get(HealthService).version).toBe('7.7.7');
  });

  it('forRootAsync keeps the version and options given in code, with the environment spread over them', async () => {
    const inCode = {
      version: '2.4.0',
      secrets: ['payments-token-1234'],
      checks: [
        {
          name: 'payments',
          critical: false,
          check: () => ({ status: HealthStatus.UNHEALTHY, message: 'token payments-token-1234' }),
        },
      ],
    };
    const env = { HEALTH_CHECK_RETRY_COUNT: '0', HEALTH_CHECK_PAYMENTS_TIMEOUT_MS: '40' };
    await boot([
      HealthModule.forRootAsync({
        useFactory: () => ({ ...inCode, ...healthOptionsFromEnv(env) }),
      }),
    ]);
    const health = app!.get(HealthService);
    expect(health.version).toBe('2.4.0');
    const report = await health.check();
    // The secret from code is masked; payments is not critical (code), so the system is degraded.
    expect(report.components[0].message).toBe('token ***');
    expect(report.overall_status).toBe(HealthStatus.DEGRADED);
    await app!.close();
    // APP_VERSION, when set, wins over the version in code: the environment is spread last.
    await boot([
      HealthModule.forRootAsync({
        useFactory: () => ({ ...inCode, ...healthOptionsFromEnv({ APP_VERSION: '2.5.0' }) }),
      }),
    ]);
    expect(app!.get(HealthService).version).toBe('2.5.0');
  });

  it('forRootAsync refuses a module option beside useFactory (it would be lost), naming it', () => {
    const misplaced = { version: '2.4.0', useFactory: () => ({}) };
    expect(() => HealthModule.forRootAsync(misplaced as never)).toThrow(
      'Invalid setting forRootAsync({ version }): given beside useFactory, where Nest drops it (expected it in the object useFactory returns',
    );
    expect(() =>
      HealthModule.forRootAsync({ useFactory: () => ({}), isGlobal: true, http: {} }),
    ).not.toThrow();
  });

  it('mounts the report and the probes only by default: nothing of the template', async () => {
    await boot([
      HealthModule.forRoot({
        checks: [{ name: 'payments', check: () => ({ status: HealthStatus.HEALTHY }) }],
      }),
    ]);
    const http = () => request(app!.getHttpServer());
    const report = await http().get('/v1/health/components').expect(200);
    expect(report.body.components.map((c: { name: string }) => c.name)).toEqual(['payments']);
    await http().get('/v1/health/components/payments').expect(200);
    for (const probe of ['live', 'ready', 'startup']) {
      await http().get(`/v1/health/${probe}`).expect(200);
    }
    for (const path of [
      '/v1/health',
      '/v1/health/trends',
      '/v1/health/status',
      '/v1/health/events',
      '/v1/health/config',
      '/health',
    ]) {
      await http().get(path).expect(404);
    }
    // Trends are not even recorded.
    expect(() => app!.get(HealthTrends)).toThrow();
  });

  it('serves GET /v1/health when turned on, and nothing when exposeHttp is false', async () => {
    const legacy = { endpoints: { legacy: true } };
    await boot([HealthModule.forRoot({ http: legacy })]);
    await request(app!.getHttpServer()).get('/v1/health').expect(200);
    await app!.close();

    await boot([HealthModule.forRoot({ exposeHttp: false, http: legacy })]);
    await request(app!.getHttpServer()).get('/v1/health').expect(404);
    await request(app!.getHttpServer()).get('/v1/health/components').expect(404);
  });

  it('with isGlobal false, modules that do not import it cannot inject HealthService', async () => {
    const compile = Test.createTestingModule({
      imports: [HealthModule.forRoot({ isGlobal: false }), OrdersModule],
    }).compile();
    await expect(compile).rejects.toThrow(/HealthService/);
  });

  it('stops the app at startup when an option is bad, naming the setting and the value', async () => {
    const compileWith = (options: object) =>
      Test.createTestingModule({ imports: [HealthModule.forRoot(options)] }).compile();
    await expect(compileWith({ defaultTimeoutMs: -5 })).rejects.toThrow(/defaultTimeoutMs: -5/);
    await expect(compileWith({ enabledComponents: ['Cach e'] })).rejects.toThrow(
      /enabledComponents: "Cach e"/,
    );
    await expect(compileWith({ details: 'sometimes' })).rejects.toThrow(/details: "sometimes"/);
    await expect(
      compileWith({ trends: { retentionMs: -1 }, http: { endpoints: { trends: true } } }),
    ).rejects.toThrow(/trends\.retentionMs: -1/);
    expect(() => HealthModule.forRoot({ http: { basePath: 'a b' } })).toThrow(
      /http\.basePath: "a b"/,
    );
    await expect(compileWith({ retries: -1 })).rejects.toThrow(/retries: -1/);
    await expect(compileWith({ unreadVariables: 'HEALTH_CHECK_X_MODE' })).rejects.toThrow(
      /unreadVariables: "HEALTH_CHECK_X_MODE" \(expected an array of variable names\)/,
    );

    const asyncCompile = Test.createTestingModule({
      imports: [
        HealthModule.forRootAsync({ useFactory: () => ({ defaultTimeoutMs: Number('abc') }) }),
      ],
    }).compile();
    await expect(asyncCompile).rejects.toThrow(/defaultTimeoutMs: NaN/);
  });

  it('refuses two DI indicators with the same name, naming it', async () => {
    @RegisterHealthIndicator()
    @Injectable()
    class Twin implements HealthIndicator {
      readonly name = 'payments';
      check() {
        return { status: HealthStatus.HEALTHY };
      }
    }
    await expect(
      boot([
        HealthModule.forRoot({}),
        PaymentsModule,
        { module: class TwinModule {}, providers: [Twin] },
      ]),
    ).rejects.toThrow(/"payments" is already registered/);
  });

  it('skips request-scoped indicators with a warning', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    @RegisterHealthIndicator()
    @Injectable({ scope: Scope.REQUEST })
    class PerRequest implements HealthIndicator {
      readonly name = 'per_request';
      check() {
        return { status: HealthStatus.HEALTHY };
      }
    }
    await boot([
      HealthModule.forRoot({}),
      { module: class ScopedModule {}, providers: [PerRequest] },
    ]);
    expect(app!.get(HealthService).has('per_request')).toBe(false);
    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining('PerRequest is request-scoped or transient'),
    );
  });

  it('warns once at startup about variables naming no listed component, naming them, never their values', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const env: Record<string, string> = {
      HEALTH_CHECK_PAYMENTS_TIMEOUT_MS: '4321',
      HEALTH_CHECK_PAYMNETS_TIMEOUT_MS: '8765',
    };
    await boot([
      HealthModule.forRootAsync({
        useFactory: () => healthOptionsFromEnv(env, { components: ['payments'] }),
      }),
    ]);
    const lines = warn.mock.calls
      .map(([line]) => String(line))
      .filter((l) => l.includes('HEALTH_'));
    expect(lines).toEqual([
      'Not read: "HEALTH_CHECK_PAYMNETS_TIMEOUT_MS": they name no component in healthOptionsFromEnv\'s components list',
    ]);
    await app!.close();
    warn.mockClear();
    // Many: the first 20, and a count of the rest.
    for (let i = 0; i < 25; i++) env[`HEALTH_CHECK_EXTRA${String(i).padStart(2, '0')}_MODE`] = 'x';
    await boot([HealthModule.forRoot(healthOptionsFromEnv(env, { components: ['payments'] }))]);
    const [line] = warn.mock.calls.map(([l]) => String(l)).filter((l) => l.includes('HEALTH_'));
    expect(line).toMatch(
      /^Not read: "HEALTH_CHECK_EXTRA00_MODE", .*"HEALTH_CHECK_EXTRA19_MODE" and 6 more: /,
    );
    expect(line).not.toMatch(/8765|"x"/);
  });

  it('closes cleanly: the first evaluation started at bootstrap is cancelled, no timer left', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    await boot([
      HealthModule.forRoot({
        checks: [{ name: 'hang', check: () => new Promise<never>(() => undefined) }],
      }),
    ]);
    const health = app!.get(HealthService);
    const first = health.check();
    expect(timers()).toBeGreaterThan(before);
    await app!.close();
    app = undefined;
    await expect(first).resolves.toMatchObject({
      components: [{ name: 'hang', message: 'hang check cancelled: shutting down' }],
    });
    expect(timers()).toBe(before);
  });
});
