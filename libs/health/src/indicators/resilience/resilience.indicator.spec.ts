import { Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { CircuitState, ConsecutiveBreaker } from 'cockatiel';
import { HealthStatus } from '../../core/health-status';
import { HealthService } from '../../core/health.service';
import { HealthModule } from '../../health.module';
import { toLegacyBody } from '../../formats/legacy.format';
import { CircuitBreakerRegistry, ResilienceIndicator } from '.';

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
      const legacy = async () => toLegacyBody(await service.check(), service.version);

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
