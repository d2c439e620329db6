import { CircuitBreakerRegistry } from '@nest-health/core/resilience';
import { BrokenCircuitError } from 'cockatiel';
import { AiProviderError } from '../ai/gemini.client';
import {
  isTransient,
  OperationPolicies,
  registerOperationBreakers,
  retryDelayMs,
} from './operation-policies';
import { BREAKER_NAMES, PRESETS, STRATEGY_FIGURES } from './resilience-presets';
import { resilienceSettingsFromEnv } from './resilience.config';

describe('retryDelayMs (tenacity wait_exponential + wait_random)', () => {
  it('doubles from the multiplier, within [min, max], plus the jitter', () => {
    const figures = { ...STRATEGY_FIGURES.critical, jitter_enabled: false };
    // 1.5 * 2^(n-1): 1.5, 3, 6, 12, ... at least 3, at most 60
    expect([1, 2, 3, 4, 7, 8].map((n) => retryDelayMs(figures, n, 0))).toEqual([
      3000, 3000, 6000, 12000, 60000, 60000,
    ]);
    const jittered = { ...PRESETS.simple.figures };
    expect(retryDelayMs(jittered, 1, 0)).toBe(2000);
    expect(retryDelayMs(jittered, 1, 0.5)).toBe(3000);
  });
});

describe('isTransient', () => {
  it.each([
    [new AiProviderError('unreachable'), true],
    [new AiProviderError('HTTP 500', 500), true],
    [new AiProviderError('HTTP 503', 503), true],
    [new AiProviderError('HTTP 429', 429), true],
    [new AiProviderError('HTTP 408', 408), true],
    [new AiProviderError('not JSON', 200), true],
    [new AiProviderError('HTTP 400', 400), false],
    [new AiProviderError('HTTP 403', 403), false],
    [new BrokenCircuitError(), false],
    [new Error('other'), false],
  ])('%s: %s', (error, transient) => {
    expect(isTransient(error)).toBe(transient);
  });
});

describe('OperationPolicies', () => {
  const fast = (custom: object, env: Record<string, string> = {}) => {
    const settings = resilienceSettingsFromEnv({
      ...env,
      RESILIENCE_CUSTOM_CONFIG: JSON.stringify({
        jitter_enabled: false,
        exponential_multiplier: 0.1,
        exponential_min: 0.5,
        exponential_max: 5,
        ...custom,
      }),
    });
    const registry = new CircuitBreakerRegistry();
    registerOperationBreakers(registry, settings);
    // Waits of 500 ms: the shortest the template's ranges allow.
    const policies = new OperationPolicies(registry, settings, { random: () => 0 });
    return { registry, policies };
  };
  const never = new AbortController().signal;

  it('registers one breaker per operation, under the template names', () => {
    const { registry, policies } = fast({});
    expect(registry.names()).toEqual(Object.values(BREAKER_NAMES));
    expect(policies.breakerOf('qa')).toBe('answer_question');
  });

  it('retries a transient failure up to retry_attempts calls in all, then throws its error', async () => {
    const { registry, policies } = fast({ retry_attempts: 2, circuit_breaker_threshold: 10 });
    let calls = 0;
    const failing = () => {
      calls++;
      return Promise.reject(new AiProviderError('AI provider answered HTTP 503', 503));
    };
    await expect(policies.execute('summarize', failing, never)).rejects.toThrow('HTTP 503');
    expect(calls).toBe(2);
    expect(registry.snapshot().find((b) => b.name === 'summarize_text')?.failures).toBe(2);

    calls = 0;
    const refused = () => {
      calls++;
      return Promise.reject(new AiProviderError('AI provider answered HTTP 400', 400));
    };
    await expect(policies.execute('summarize', refused, never)).rejects.toThrow('HTTP 400');
    expect(calls).toBe(1);
  });

  it('succeeds on a retry after a failure', async () => {
    const { policies } = fast({ retry_attempts: 3 });
    let calls = 0;
    const flaky = () =>
      ++calls === 1 ? Promise.reject(new AiProviderError('unreachable')) : Promise.resolve('ok');
    await expect(policies.execute('qa', flaky, never)).resolves.toBe('ok');
    expect(calls).toBe(2);
  });

  it("opens one operation's breaker only, and does not retry an open breaker", async () => {
    const { registry, policies } = fast({ retry_attempts: 1, circuit_breaker_threshold: 2 });
    const failing = () => Promise.reject(new AiProviderError('HTTP 500', 500));
    for (let i = 0; i < 2; i++) {
      await expect(policies.execute('sentiment', failing, never)).rejects.toThrow('HTTP 500');
    }
    let calls = 0;
    const counting = () => {
      calls++;
      return Promise.resolve('fine');
    };
    await expect(policies.execute('sentiment', counting, never)).rejects.toBeInstanceOf(
      BrokenCircuitError,
    );
    expect(calls).toBe(0);
    await expect(policies.execute('summarize', counting, never)).resolves.toBe('fine');
    const states = Object.fromEntries(registry.snapshot().map((b) => [b.name, b.state]));
    expect(states).toEqual({
      summarize_text: 'closed',
      analyze_sentiment: 'open',
      extract_key_points: 'closed',
      generate_questions: 'closed',
      answer_question: 'closed',
    });
  });

  it('stops retrying once max_delay_seconds have passed since the first call', async () => {
    const settings = resilienceSettingsFromEnv({
      RESILIENCE_CUSTOM_CONFIG:
        '{"retry_attempts": 10, "max_delay_seconds": 5, "exponential_min": 0.5, "exponential_multiplier": 0.1, "jitter_enabled": false}',
    });
    const registry = new CircuitBreakerRegistry();
    registerOperationBreakers(registry, settings);
    let clock = 0;
    const policies = new OperationPolicies(registry, settings, { now: () => clock });
    let calls = 0;
    const failing = () => {
      calls++;
      clock += 2000; // each call takes 2 s of the clock
      return Promise.reject(new AiProviderError('unreachable'));
    };
    await expect(policies.execute('questions', failing, never)).rejects.toThrow('unreachable');
    expect(calls).toBe(3); // 2 s, 4 s, then 6 s >= 5 s: no more
  });

  it('throws the signal reason at once when the signal aborts during a wait', async () => {
    const { policies } = fast({ retry_attempts: 5, exponential_min: 1 });
    const controller = new AbortController();
    let calls = 0;
    const failing = () => {
      calls++;
      setTimeout(() => controller.abort(new Error('deadline')), 20);
      return Promise.reject(new AiProviderError('unreachable'));
    };
    await expect(policies.execute('key_points', failing, controller.signal)).rejects.toThrow(
      'deadline',
    );
    expect(calls).toBe(1);
    const aborted = AbortSignal.abort(new Error('already'));
    await expect(policies.execute('key_points', failing, aborted)).rejects.toThrow('already');
    expect(calls).toBe(1);
  });
});
