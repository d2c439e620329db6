import { Test } from '@nestjs/testing';
import {
  BrokenCircuitError,
  circuitBreaker,
  CircuitState,
  ConsecutiveBreaker,
  handleAll,
  handleType,
  IsolatedCircuitError,
} from 'cockatiel';
import {
  CircuitBreakerConfigurationError,
  DuplicateCircuitBreakerError,
  UnknownCircuitBreakerError,
} from './circuit-breaker.errors';
import { CIRCUIT_BREAKER_CLOCK, CircuitBreakerRegistry } from './circuit-breaker.registry';
import * as publicApi from '.';

const T0 = 1_700_000_000_000;
const HALF_OPEN_AFTER = 10_000;
const down = () => {
  throw new Error('dependency down');
};

/** Drives Date.now, the clock both cockatiel and a default registry read. */
function controlDateNow() {
  let now = T0;
  jest.spyOn(Date, 'now').mockImplementation(() => now);
  return (ms: number) => (now += ms);
}

async function failTimes(registry: CircuitBreakerRegistry, name: string, times: number) {
  for (let i = 0; i < times; i++) {
    await expect(registry.execute(name, down)).rejects.toThrow('dependency down');
  }
}

const stateOf = (registry: CircuitBreakerRegistry, name: string) =>
  registry.snapshot().find((b) => b.name === name);

describe('CircuitBreakerRegistry', () => {
  let now: number;
  let registry: CircuitBreakerRegistry;
  const make = (threshold = 2) =>
    registry.create('payments', {
      halfOpenAfterMs: HALF_OPEN_AFTER,
      breaker: new ConsecutiveBreaker(threshold),
    });

  beforeEach(() => {
    now = T0;
    registry = new CircuitBreakerRegistry(() => now);
  });

  afterEach(() => jest.restoreAllMocks());

  describe('registration', () => {
    it('creates a closed breaker with zeroed counters and returns the policy it tracks', () => {
      const policy = make();

      expect(policy.state).toBe(CircuitState.Closed);
      expect(registry.get('payments')).toBe(policy);
      expect(registry.names()).toEqual(['payments']);
      expect(registry.snapshot()).toEqual([
        {
          name: 'payments',
          state: 'closed',
          opened_at: null,
          successes: 0,
          failures: 0,
          rejections: 0,
          breaks: 0,
        },
      ]);
    });

    it('registers a policy built elsewhere and lists names in registration order', () => {
      const policy = circuitBreaker(handleAll, {
        halfOpenAfter: 5,
        breaker: new ConsecutiveBreaker(1),
      });
      make();

      expect(registry.register('ai-model', policy, { halfOpenAfterMs: 5 })).toBe(policy);
      expect(registry.names()).toEqual(['payments', 'ai-model']);
      expect(registry.snapshot().map((b) => b.name)).toEqual(['payments', 'ai-model']);
    });

    it('refuses a taken name, naming it, and keeps the first registration', () => {
      const first = make();

      const register = () =>
        registry.create('payments', {
          halfOpenAfterMs: 1,
          breaker: new ConsecutiveBreaker(1),
        });

      expect(register).toThrow(DuplicateCircuitBreakerError);
      expect(register).toThrow('A circuit breaker named "payments" is already registered');
      expect(registry.get('payments')).toBe(first);
      expect(registry.names()).toEqual(['payments']);
    });

    it.each(['', 'Payments', 'pay ments', 'pay.ments', 'x'.repeat(65)])(
      'refuses the bad name %j and names it',
      (name) => {
        const register = () =>
          registry.create(name, { halfOpenAfterMs: 1, breaker: new ConsecutiveBreaker(1) });

        expect(register).toThrow(CircuitBreakerConfigurationError);
        expect(register).toThrow(/^Invalid setting circuit breaker name: /);
        expect(registry.names()).toEqual([]);
      },
    );

    it('refuses a name that is not a string', () => {
      const policy = circuitBreaker(handleAll, {
        halfOpenAfter: 1,
        breaker: new ConsecutiveBreaker(1),
      });

      expect(() =>
        registry.register(42 as unknown as string, policy, { halfOpenAfterMs: 1 }),
      ).toThrow('Invalid setting circuit breaker name: 42');
    });

    it('accepts the longest and the odd-but-valid names', () => {
      for (const name of ['x'.repeat(64), '0', '_-', 'db_primary-2']) {
        registry.create(name, { halfOpenAfterMs: 1, breaker: new ConsecutiveBreaker(1) });
      }

      expect(registry.names()).toHaveLength(4);
    });

    it.each([-1, Number.NaN, Number.POSITIVE_INFINITY, '10', undefined])(
      'refuses halfOpenAfterMs %p, naming the breaker',
      (ms) => {
        const register = () =>
          registry.create('payments', {
            halfOpenAfterMs: ms as number,
            breaker: new ConsecutiveBreaker(1),
          });

        expect(register).toThrow(CircuitBreakerConfigurationError);
        expect(register).toThrow('Invalid setting halfOpenAfterMs of circuit breaker "payments"');
        expect(registry.names()).toEqual([]);
      },
    );

    it('uses the given handle policy: errors it ignores are neither failures nor breaks', async () => {
      class Timeout extends Error {}
      registry.create('payments', {
        halfOpenAfterMs: HALF_OPEN_AFTER,
        breaker: new ConsecutiveBreaker(1),
        handle: handleType(Timeout),
      });

      await expect(registry.execute('payments', down)).rejects.toThrow('dependency down');
      expect(stateOf(registry, 'payments')).toMatchObject({ state: 'closed', failures: 0 });

      await expect(
        registry.execute('payments', () => Promise.reject(new Timeout('slow'))),
      ).rejects.toThrow('slow');
      expect(stateOf(registry, 'payments')).toMatchObject({
        state: 'open',
        failures: 1,
        breaks: 1,
      });
    });
  });

  describe('counters and states', () => {
    it('counts successes and failures of real calls, made directly or through execute', async () => {
      const policy = make(3);

      await policy.execute(() => 'ok');
      await expect(registry.execute('payments', async () => 'ok')).resolves.toBe('ok');
      await expect(policy.execute(down)).rejects.toThrow('dependency down');

      expect(stateOf(registry, 'payments')).toMatchObject({
        state: 'closed',
        successes: 2,
        failures: 1,
        breaks: 0,
      });
    });

    it('opens after consecutive failures and records when, from its own clock', async () => {
      const policy = make(2);
      now = T0 + 500;

      await failTimes(registry, 'payments', 2);

      expect(policy.state).toBe(CircuitState.Open);
      expect(stateOf(registry, 'payments')).toEqual({
        name: 'payments',
        state: 'open',
        opened_at: T0 + 500,
        successes: 0,
        failures: 2,
        rejections: 0,
        breaks: 1,
      });
    });

    it('counts calls refused by an open breaker as rejections, without running them', async () => {
      make(1);
      await failTimes(registry, 'payments', 1);
      const fn = jest.fn(() => 'never');

      await expect(registry.execute('payments', fn)).rejects.toBeInstanceOf(BrokenCircuitError);
      await expect(registry.execute('payments', fn)).rejects.toBeInstanceOf(BrokenCircuitError);

      expect(fn).not.toHaveBeenCalled();
      expect(stateOf(registry, 'payments')).toMatchObject({
        failures: 1,
        rejections: 2,
        breaks: 1,
      });
    });

    it('cannot see refusals of calls made on the policy directly (cockatiel emits nothing)', async () => {
      const policy = make(1);
      await failTimes(registry, 'payments', 1);

      await expect(policy.execute(() => 'never')).rejects.toBeInstanceOf(BrokenCircuitError);

      expect(stateOf(registry, 'payments')).toMatchObject({ failures: 1, rejections: 0 });
    });

    it('counts a BrokenCircuitError thrown by the call itself as a failure, not a rejection', async () => {
      make(5);
      const inner = () => {
        throw new BrokenCircuitError('a breaker further down is open');
      };

      await expect(registry.execute('payments', inner)).rejects.toBeInstanceOf(BrokenCircuitError);

      expect(stateOf(registry, 'payments')).toMatchObject({ failures: 1, rejections: 0 });
    });

    it('hands the abort signal to the call', async () => {
      make();
      const controller = new AbortController();

      const seen = await registry.execute('payments', ({ signal }) => signal, controller.signal);

      expect(seen).toBe(controller.signal);
    });

    it('refuses to execute through a name that is not registered', async () => {
      await expect(registry.execute('nope', () => 1)).rejects.toThrow(UnknownCircuitBreakerError);
      await expect(registry.execute('nope', () => 1)).rejects.toThrow(
        'No circuit breaker named "nope" is registered',
      );
    });

    it('reports a breaker that was already open when registered as open from registration on', async () => {
      const policy = circuitBreaker(handleAll, {
        halfOpenAfter: HALF_OPEN_AFTER,
        breaker: new ConsecutiveBreaker(1),
      });
      await expect(policy.execute(down)).rejects.toThrow();
      now = T0 + 3_000;

      registry.register('payments', policy, { halfOpenAfterMs: HALF_OPEN_AFTER });

      expect(stateOf(registry, 'payments')).toMatchObject({
        state: 'open',
        opened_at: T0 + 3_000,
        breaks: 0,
      });
      now = T0 + 3_000 + HALF_OPEN_AFTER;
      expect(stateOf(registry, 'payments')?.state).toBe('half_open');
    });
  });

  describe('half-open', () => {
    it('is reported once halfOpenAfterMs has passed, while cockatiel still says Open', async () => {
      const policy = make(1);
      await failTimes(registry, 'payments', 1);

      now = T0 + HALF_OPEN_AFTER - 1;
      expect(stateOf(registry, 'payments')?.state).toBe('open');

      now = T0 + HALF_OPEN_AFTER;
      expect(stateOf(registry, 'payments')).toMatchObject({
        state: 'half_open',
        opened_at: T0,
      });
      expect(policy.state).toBe(CircuitState.Open);
    });

    it('closes after a successful trial call', async () => {
      const advance = controlDateNow();
      registry = new CircuitBreakerRegistry();
      const policy = make(1);
      await failTimes(registry, 'payments', 1);
      advance(HALF_OPEN_AFTER);
      expect(stateOf(registry, 'payments')?.state).toBe('half_open');

      await expect(registry.execute('payments', () => 'recovered')).resolves.toBe('recovered');

      expect(policy.state).toBe(CircuitState.Closed);
      expect(stateOf(registry, 'payments')).toMatchObject({
        state: 'closed',
        opened_at: null,
        successes: 1,
        failures: 1,
        breaks: 1,
      });
    });

    it('opens again after a failed trial call, with a fresh open time', async () => {
      const advance = controlDateNow();
      registry = new CircuitBreakerRegistry();
      make(1);
      await failTimes(registry, 'payments', 1);
      advance(HALF_OPEN_AFTER);

      await failTimes(registry, 'payments', 1);

      expect(stateOf(registry, 'payments')).toMatchObject({
        state: 'open',
        opened_at: T0 + HALF_OPEN_AFTER,
        failures: 2,
        breaks: 2,
      });
      advance(HALF_OPEN_AFTER - 1);
      expect(stateOf(registry, 'payments')?.state).toBe('open');
    });

    it('is reported while cockatiel runs the trial call, and a concurrent call waits for it', async () => {
      const advance = controlDateNow();
      registry = new CircuitBreakerRegistry();
      const policy = make(1);
      await failTimes(registry, 'payments', 1);
      advance(HALF_OPEN_AFTER);
      let finishTrial = (): void => undefined;
      const trial = registry.execute(
        'payments',
        () => new Promise<string>((resolve) => (finishTrial = () => resolve('trial'))),
      );
      const waiting = registry.execute('payments', () => 'after');

      expect(policy.state).toBe(CircuitState.HalfOpen);
      expect(stateOf(registry, 'payments')?.state).toBe('half_open');

      finishTrial();
      await expect(trial).resolves.toBe('trial');
      await expect(waiting).resolves.toBe('after');
      expect(stateOf(registry, 'payments')).toMatchObject({ state: 'closed', successes: 2 });
    });
  });

  describe('isolation', () => {
    it('reports an isolated breaker as isolated, refuses calls, and closes on dispose', async () => {
      const policy = make();
      now = T0 + 42;

      const handle = policy.isolate();

      expect(stateOf(registry, 'payments')).toMatchObject({
        state: 'isolated',
        opened_at: T0 + 42,
        breaks: 0,
      });
      await expect(registry.execute('payments', () => 1)).rejects.toBeInstanceOf(
        IsolatedCircuitError,
      );
      expect(stateOf(registry, 'payments')?.rejections).toBe(1);

      now = T0 + 42 + HALF_OPEN_AFTER;
      expect(stateOf(registry, 'payments')?.state).toBe('isolated');

      handle.dispose();
      expect(stateOf(registry, 'payments')).toMatchObject({ state: 'closed', opened_at: null });
    });
  });

  describe('unregister', () => {
    it('forgets the breaker and disposes every listener it added', () => {
      const policy = circuitBreaker(handleAll, {
        halfOpenAfter: HALF_OPEN_AFTER,
        breaker: new ConsecutiveBreaker(1),
      });
      const events = ['onSuccess', 'onFailure', 'onBreak', 'onReset', 'onHalfOpen'] as const;
      const subscribes = events.map((event) => jest.spyOn(policy, event));
      registry.register('payments', policy, { halfOpenAfterMs: HALF_OPEN_AFTER });
      const disposes = subscribes.flatMap((spy) =>
        spy.mock.results.map((r) => jest.spyOn(r.value as { dispose(): void }, 'dispose')),
      );
      expect(disposes.length).toBeGreaterThan(0);

      expect(registry.unregister('payments')).toBe(true);

      for (const dispose of disposes) expect(dispose).toHaveBeenCalledTimes(1);
      expect(registry.get('payments')).toBeUndefined();
      expect(registry.names()).toEqual([]);
      expect(registry.snapshot()).toEqual([]);
    });

    it('frees the name: a re-registration starts from zero and counts only later calls', async () => {
      const policy = make(5);
      await policy.execute(() => 'before');
      registry.unregister('payments');
      await policy.execute(() => 'while unregistered');

      registry.register('payments', policy, { halfOpenAfterMs: HALF_OPEN_AFTER });
      await policy.execute(() => 'after');

      expect(stateOf(registry, 'payments')?.successes).toBe(1);
    });

    it('answers false for a name that is not registered', () => {
      expect(registry.unregister('nope')).toBe(false);
    });
  });

  describe('dependency injection', () => {
    it('is injectable without a clock, and takes one from CIRCUIT_BREAKER_CLOCK', async () => {
      const plain = await Test.createTestingModule({
        providers: [CircuitBreakerRegistry],
      }).compile();
      const clocked = await Test.createTestingModule({
        providers: [CircuitBreakerRegistry, { provide: CIRCUIT_BREAKER_CLOCK, useValue: () => 7 }],
      }).compile();
      const policies = [plain, clocked].map((module) => {
        const injected = module.get(CircuitBreakerRegistry);
        const policy = injected.create('db', {
          halfOpenAfterMs: HALF_OPEN_AFTER,
          breaker: new ConsecutiveBreaker(1),
        });
        return { injected, policy };
      });
      jest.spyOn(Date, 'now').mockReturnValue(T0 + 9);

      for (const { policy } of policies) policy.isolate();

      expect(policies[0].injected.snapshot()[0].opened_at).toBe(T0 + 9);
      expect(policies[1].injected.snapshot()[0].opened_at).toBe(7);
    });
  });

  it('is exported, with its errors and tokens, from the folder index', () => {
    expect(publicApi).toEqual({
      CIRCUIT_BREAKER_CLOCK,
      CIRCUIT_BREAKER_NAME_PATTERN: /^[a-z0-9_-]{1,64}$/,
      CircuitBreakerRegistry,
      CircuitBreakerConfigurationError,
      DuplicateCircuitBreakerError,
      UnknownCircuitBreakerError,
      ResilienceIndicator: expect.any(Function),
    });
  });
});
