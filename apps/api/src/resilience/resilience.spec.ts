import { HealthStatus } from '@app/health';
import { ConsecutiveBreaker, circuitBreaker, handleAll } from 'cockatiel';
import { CircuitBreakerRegistry } from './circuit-breaker.registry';
import { ResilienceIndicator } from './resilience.indicator';

const breaker = (halfOpenAfter = 60_000) =>
  circuitBreaker(handleAll, { halfOpenAfter, breaker: new ConsecutiveBreaker(1) });

describe('resilience', () => {
  let registry: CircuitBreakerRegistry;
  let indicator: ResilienceIndicator;

  beforeEach(() => {
    registry = new CircuitBreakerRegistry();
    indicator = new ResilienceIndicator(registry);
  });

  it('is HEALTHY with every breaker closed (and with none)', () => {
    expect(indicator.check()).toEqual({
      status: HealthStatus.HEALTHY,
      message: 'All circuit breakers closed',
      metadata: {
        open_circuit_breakers: [],
        half_open_circuit_breakers: [],
        total_circuit_breakers: 0,
      },
    });
    registry.register('a', breaker());
    expect(indicator.check().metadata).toMatchObject({ total_circuit_breakers: 1 });
  });

  it('is DEGRADED naming the breakers that real failures opened', async () => {
    registry.register('ai_provider', breaker());
    registry.register('search', breaker());
    registry.register('billing', breaker());
    for (const name of ['ai_provider', 'billing']) {
      await expect(
        registry.get(name)!.execute(() => Promise.reject(new Error('provider down'))),
      ).rejects.toThrow('provider down');
    }
    expect(indicator.check()).toEqual({
      status: HealthStatus.DEGRADED,
      message: 'Open circuit breakers: ai_provider, billing',
      metadata: {
        open_circuit_breakers: ['ai_provider', 'billing'],
        half_open_circuit_breakers: [],
        total_circuit_breakers: 3,
      },
    });
  });

  it('lists half-open breakers and counts an isolated one as open', async () => {
    const probing = breaker(1);
    registry.register('probing', probing);
    await expect(probing.execute(() => Promise.reject(new Error('x')))).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 5));
    let release!: () => void;
    const trial = probing.execute(() => new Promise<void>((r) => (release = r)));
    const isolated = breaker();
    registry.register('isolated', isolated);
    const handle = isolated.isolate();
    expect(indicator.check().metadata).toEqual({
      open_circuit_breakers: ['isolated'],
      half_open_circuit_breakers: ['probing'],
      total_circuit_breakers: 2,
    });
    release();
    await trial;
    handle.dispose();
    expect(indicator.check().status).toBe(HealthStatus.HEALTHY);
  });

  it('refuses a second breaker with the same name', () => {
    registry.register('a', breaker());
    expect(() => registry.register('a', breaker())).toThrow(
      'Circuit breaker "a" is already registered',
    );
  });
});
