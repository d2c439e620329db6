import { Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { CircuitState, ConsecutiveBreaker } from 'cockatiel';
import { HealthConfigurationError } from '../../shared/errors';
import { HealthStatus } from '../../core/health-status';
import { HealthService } from '../../core/health.service';
import { HealthModule } from '../../health.module';
import { toLegacyBody } from '../../formats/legacy.format';
import { CircuitBreakerRegistry, ResilienceIndicator } from '.';

/** The legacy body's resilience field, as the template maps it. */
const RESILIENCE_FIELD = [
  { key: 'resilience_healthy', component: 'resilience', whenMissing: null },
] as const;

const T0 = 1_700_000_000_000;
const HALF_OPEN_AFTER = 30_000;

describe('ResilienceIndicator', () => {
  let now: number;
  let registry: CircuitBreakerRegistry;
  let indicator: ResilienceIndicator;
  const add = (name: string, threshold = 1) =>
    registry.create(name, {
      halfOpenAfterMs: HALF_OPEN_AFTER,
      breaker: new ConsecutiveBreaker(threshold),
    });
  const breakOpen = async (name: string) => {
    await expect(
      registry.execute(name, () => Promise.reject(new Error(`${name} down`))),
    ).rejects.toThrow();
  };

  beforeEach(() => {
    now = T0;
    registry = new CircuitBreakerRegistry(() => now);
    indicator = new ResilienceIndicator(registry);
  });

  afterEach(() => jest.restoreAllMocks());

  it('is the resilience component', () => {
    expect(indicator.name).toBe('resilience');
  });

  it('is healthy with no breakers, and says so', () => {
    expect(indicator.check()).toEqual({
      status: HealthStatus.HEALTHY,
      message: 'No circuit breakers registered',
      metadata: {
        open_circuit_breakers: [],
        half_open_circuit_breakers: [],
        total_circuit_breakers: 0,
        circuit_breakers: {},
      },
    });
  });

  it('is healthy while every breaker is closed, with the contract metadata', async () => {
    add('payments');
    add('ai_model', 3);
    await registry.execute('payments', () => 'ok');
    await expect(
      registry.execute('ai_model', () => Promise.reject(new Error('x'))),
    ).rejects.toThrow();

    expect(indicator.check()).toEqual({
      status: HealthStatus.HEALTHY,
      message: 'All circuit breakers closed',
      metadata: {
        open_circuit_breakers: [],
        half_open_circuit_breakers: [],
        total_circuit_breakers: 2,
        circuit_breakers: {
          payments: { state: 'closed', successes: 1, failures: 0, rejections: 0, breaks: 0 },
          ai_model: { state: 'closed', successes: 0, failures: 1, rejections: 0, breaks: 0 },
        },
      },
    });
  });

  it('is degraded when real failures open breakers, naming them in registration order', async () => {
    add('zeta');
    add('alpha');
    add('mid');
    await breakOpen('alpha');
    await breakOpen('zeta');
    await expect(registry.execute('alpha', () => 'refused')).rejects.toThrow();

    const result = indicator.check();

    expect(result.status).toBe(HealthStatus.DEGRADED);
    expect(result.message).toBe('Open circuit breakers: zeta, alpha');
    expect(result.metadata).toMatchObject({
      open_circuit_breakers: ['zeta', 'alpha'],
      half_open_circuit_breakers: [],
      total_circuit_breakers: 3,
      circuit_breakers: {
        alpha: { state: 'open', successes: 0, failures: 1, rejections: 1, breaks: 1 },
        mid: { state: 'closed' },
      },
    });
  });

  it('counts an isolated breaker as open, and is healthy again once isolation ends', () => {
    const policy = add('payments');
    const isolation = policy.isolate();

    expect(indicator.check()).toMatchObject({
      status: HealthStatus.DEGRADED,
      message: 'Open circuit breakers: payments',
      metadata: {
        open_circuit_breakers: ['payments'],
        circuit_breakers: { payments: { state: 'isolated' } },
      },
    });

    isolation.dispose();
    expect(indicator.check().status).toBe(HealthStatus.HEALTHY);
  });

  it('stays healthy while a breaker is only half-open, listing it, as the template grades it', async () => {
    const policy = add('payments');
    add('cache');
    await breakOpen('payments');
    now = T0 + HALF_OPEN_AFTER;

    expect(policy.state).toBe(CircuitState.Open);
    expect(indicator.check()).toMatchObject({
      status: HealthStatus.HEALTHY,
      message: 'Half-open circuit breakers: payments',
      metadata: {
        open_circuit_breakers: [],
        half_open_circuit_breakers: ['payments'],
        circuit_breakers: { payments: { state: 'half_open' }, cache: { state: 'closed' } },
      },
    });
  });

  it('names both open and half-open breakers when there are both', async () => {
    add('payments');
    add('search');
    await breakOpen('payments');
    now = T0 + HALF_OPEN_AFTER;
    await breakOpen('search');

    expect(indicator.check()).toMatchObject({
      status: HealthStatus.DEGRADED,
      message: 'Open circuit breakers: search; half-open: payments',
      metadata: {
        open_circuit_breakers: ['search'],
        half_open_circuit_breakers: ['payments'],
      },
    });
  });

  describe('how many open breakers it takes', () => {
    const graded = (options: object) => new ResilienceIndicator(registry, options).check();

    beforeEach(() => {
      for (const name of ['payments', 'search', 'ai_model', 'mail']) add(name);
    });

    it('keeps the template rule with empty options: one open is DEGRADED, never UNHEALTHY', async () => {
      await breakOpen('payments');
      expect(graded({})).toMatchObject({
        status: HealthStatus.DEGRADED,
        message: 'Open circuit breakers: payments',
      });
      for (const name of ['search', 'ai_model', 'mail']) await breakOpen(name);
      expect(graded({})).toMatchObject({
        status: HealthStatus.DEGRADED,
        message: 'Open circuit breakers: payments, search, ai_model, mail',
      });
      expect(indicator.check().status).toBe(HealthStatus.DEGRADED);
    });

    it('is DEGRADED from degradedWhenOpen and UNHEALTHY from unhealthyWhenOpen, saying so', async () => {
      const limits = { degradedWhenOpen: 2, unhealthyWhenOpen: 3 };
      expect(graded(limits)).toMatchObject({
        status: HealthStatus.HEALTHY,
        message: 'All circuit breakers closed',
      });

      await breakOpen('payments');
      expect(graded(limits)).toMatchObject({
        status: HealthStatus.HEALTHY,
        message: 'Open circuit breakers: payments (1 open; degraded at 2, unhealthy at 3)',
        metadata: { open_circuit_breakers: ['payments'] },
      });

      await breakOpen('search');
      expect(graded(limits)).toMatchObject({
        status: HealthStatus.DEGRADED,
        message: 'Open circuit breakers: payments, search (2 open; degraded at 2, unhealthy at 3)',
      });

      await breakOpen('ai_model');
      expect(graded(limits)).toMatchObject({
        status: HealthStatus.UNHEALTHY,
        message:
          'Open circuit breakers: payments, search, ai_model (3 open; degraded at 2, unhealthy at 3)',
        metadata: {
          open_circuit_breakers: ['payments', 'search', 'ai_model'],
          total_circuit_breakers: 4,
        },
      });
    });

    it('goes straight to UNHEALTHY when both limits are the same', async () => {
      await breakOpen('mail');
      expect(graded({ degradedWhenOpen: 1, unhealthyWhenOpen: 1 })).toMatchObject({
        status: HealthStatus.UNHEALTHY,
        message: 'Open circuit breakers: mail (1 open; degraded at 1, unhealthy at 1)',
      });
    });

    it('can make one open breaker UNHEALTHY, counting an isolated one as open', () => {
      const isolation = registry.get('payments')!.isolate();
      expect(graded({ unhealthyWhenOpen: 1 }).status).toBe(HealthStatus.UNHEALTHY);
      isolation.dispose();
      expect(graded({ unhealthyWhenOpen: 1 }).status).toBe(HealthStatus.HEALTHY);
    });

    it('never counts a half-open breaker, whatever the limits', async () => {
      await breakOpen('payments');
      now = T0 + HALF_OPEN_AFTER;
      expect(graded({ unhealthyWhenOpen: 1 })).toMatchObject({
        status: HealthStatus.HEALTHY,
        message: 'Half-open circuit breakers: payments',
        metadata: { half_open_circuit_breakers: ['payments'] },
      });
    });

    it('with degradedWhenOpen 0 never degrades, only turns UNHEALTHY at its limit', async () => {
      await breakOpen('payments');
      expect(graded({ degradedWhenOpen: 0 })).toMatchObject({
        status: HealthStatus.HEALTHY,
        message: 'Open circuit breakers: payments (1 open; degraded never, unhealthy never)',
      });
      expect(graded({ degradedWhenOpen: 0, unhealthyWhenOpen: 2 }).status).toBe(
        HealthStatus.HEALTHY,
      );
      await breakOpen('search');
      expect(graded({ degradedWhenOpen: 0, unhealthyWhenOpen: 2 }).status).toBe(
        HealthStatus.UNHEALTHY,
      );
    });

    it.each([
      [{ degradedWhenOpen: -1 }, 'resilience.degradedWhenOpen', '-1'],
      [{ degradedWhenOpen: 1.5 }, 'resilience.degradedWhenOpen', '1.5'],
      [{ degradedWhenOpen: '2' }, 'resilience.degradedWhenOpen', '"2"'],
      [{ unhealthyWhenOpen: -2 }, 'resilience.unhealthyWhenOpen', '-2'],
      [{ unhealthyWhenOpen: Infinity }, 'resilience.unhealthyWhenOpen', 'Infinity'],
    ])('refuses %j, naming %s', (options, setting, shown) => {
      const build = () => new ResilienceIndicator(registry, options as never);
      expect(build).toThrow(HealthConfigurationError);
      expect(build).toThrow(
        `Invalid setting ${setting}: ${shown} (expected an integer >= 0 (0: never))`,
      );
    });

    it('refuses an unhealthy limit below the degraded one', () => {
      expect(() => graded({ degradedWhenOpen: 3, unhealthyWhenOpen: 2 })).toThrow(
        'Invalid setting resilience.unhealthyWhenOpen: 2 ' +
          '(expected 0 (never) or an integer >= resilience.degradedWhenOpen (3))',
      );
      expect(() => graded({ unhealthyWhenOpen: 0, degradedWhenOpen: 3 })).not.toThrow();
    });

    it('refuses options that are not an object', () => {
      expect(() => new ResilienceIndicator(registry, 2 as never)).toThrow(
        'Invalid setting ResilienceIndicator options: 2',
      );
    });

    it('is UNHEALTHY through the engine, and the legacy body says resilience_healthy false', async () => {
      const service = new HealthService({
        checks: [new ResilienceIndicator(registry, { unhealthyWhenOpen: 2 })],
        retries: 0,
        cacheTtlMs: 0,
      });
      try {
        await breakOpen('payments');
        await breakOpen('search');
        const report = await service.check();
        expect(report.overall_status).toBe(HealthStatus.UNHEALTHY);
        expect(report.components.find((c) => c.name === 'resilience')).toMatchObject({
          status: HealthStatus.UNHEALTHY,
          message:
            'Open circuit breakers: payments, search (2 open; degraded at 1, unhealthy at 2)',
        });
        expect(toLegacyBody(report, service.version, RESILIENCE_FIELD, 'now')).toMatchObject({
          status: 'degraded',
          resilience_healthy: false,
        });
      } finally {
        service.onModuleDestroy();
      }
    });
  });

  describe('through the engine', () => {
    let service: HealthService;

    afterEach(() => service.onModuleDestroy());

    it('reports the component with name, timing and metadata, and follows recovery', async () => {
      let date = T0;
      jest.spyOn(Date, 'now').mockImplementation(() => date);
      registry = new CircuitBreakerRegistry();
      service = new HealthService({ checks: [new ResilienceIndicator(registry)] });
      add('payments');
      await breakOpen('payments');

      const degraded = await service.checkComponent('resilience');

      expect(degraded).toEqual({
        name: 'resilience',
        status: HealthStatus.DEGRADED,
        message: 'Open circuit breakers: payments',
        response_time_ms: expect.any(Number),
        metadata: {
          open_circuit_breakers: ['payments'],
          half_open_circuit_breakers: [],
          total_circuit_breakers: 1,
          circuit_breakers: {
            payments: { state: 'open', successes: 0, failures: 1, rejections: 0, breaks: 1 },
          },
        },
      });
      expect(degraded.response_time_ms).toBeGreaterThanOrEqual(0);

      date += HALF_OPEN_AFTER;
      expect((await service.checkComponent('resilience')).metadata).toMatchObject({
        half_open_circuit_breakers: ['payments'],
      });

      await registry.execute('payments', () => 'trial succeeded');
      const healthy = await service.checkComponent('resilience');
      expect(healthy).toMatchObject({
        status: HealthStatus.HEALTHY,
        message: 'All circuit breakers closed',
      });
      expect(service.isHealthy('resilience')).toBe(true);
    });

    it('feeds resilience_healthy in the legacy body', async () => {
      service = new HealthService({ checks: [indicator] });
      add('payments');
      const legacy = async () =>
        toLegacyBody(await service.check(), service.version, RESILIENCE_FIELD, 'now');

      expect(await legacy()).toMatchObject({ status: 'healthy', resilience_healthy: true });

      await breakOpen('payments');
      expect(await legacy()).toMatchObject({ status: 'degraded', resilience_healthy: false });
    });

    it('keeps a breaker named __proto__ as an ordinary key of circuit_breakers', async () => {
      service = new HealthService({ checks: [indicator] });
      add('__proto__');

      const { metadata } = await service.checkComponent('resilience');
      const breakers = metadata.circuit_breakers as Record<string, unknown>;

      expect(Object.keys(breakers)).toEqual(['__proto__']);
      expect(Object.getPrototypeOf(breakers)).toBe(Object.prototype);
    });

    it('wires through DI: HealthModule.forRootAsync injects the app registry', async () => {
      @Module({ providers: [CircuitBreakerRegistry], exports: [CircuitBreakerRegistry] })
      class ResilienceModule {}
      const app = await Test.createTestingModule({
        imports: [
          ResilienceModule,
          HealthModule.forRootAsync({
            imports: [ResilienceModule],
            inject: [CircuitBreakerRegistry],
            useFactory: (breakers: CircuitBreakerRegistry) => ({
              checks: [new ResilienceIndicator(breakers)],
            }),
            exposeHttp: false,
          }),
        ],
      }).compile();
      service = app.get(HealthService);
      app.get(CircuitBreakerRegistry).create('payments', {
        halfOpenAfterMs: HALF_OPEN_AFTER,
        breaker: new ConsecutiveBreaker(1),
      });

      const status = await service.checkComponent('resilience');

      expect(status.metadata).toMatchObject({ total_circuit_breakers: 1 });
      await app.close();
    });
  });
});
