import { HealthConfigurationError } from '@nest-health/core';
import { ConfigService } from '@nestjs/config';
import fc from 'fast-check';
import { OPERATIONS } from '../text-processing/process-request';
import { PRESETS, STRATEGIES, STRATEGY_FIGURES } from './resilience-presets';
import {
  MAX_CUSTOM_CONFIG_LENGTH,
  resilienceSettingsFromEnv,
  strategyVariable,
} from './resilience.config';

const strategies = (env: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(resilienceSettingsFromEnv(env).operations).map(([op, r]) => [op, r.strategy]),
  );

describe('resilienceSettingsFromEnv', () => {
  it('defaults to the simple preset: every operation balanced, with the preset figures', () => {
    const settings = resilienceSettingsFromEnv({});
    expect(settings.preset).toBe('simple');
    for (const operation of OPERATIONS) {
      expect(settings.operations[operation]).toEqual({
        strategy: 'balanced',
        figures: PRESETS.simple.figures,
      });
    }
    expect(settings.operations.summarize.figures).toMatchObject({
      retry_attempts: 3,
      circuit_breaker_threshold: 5,
      recovery_timeout: 60,
    });
  });

  it('maps the production preset as the template declares it', () => {
    const { operations } = resilienceSettingsFromEnv({ RESILIENCE_PRESET: 'production' });
    expect(strategies({ RESILIENCE_PRESET: 'production' })).toEqual({
      summarize: 'conservative',
      sentiment: 'aggressive',
      key_points: 'balanced',
      questions: 'balanced',
      qa: 'critical',
    });
    // The preset's default strategy keeps the preset's own figures; the others, their strategy's.
    expect(operations.summarize.figures).toEqual(PRESETS.production.figures);
    expect(operations.summarize.figures.circuit_breaker_threshold).toBe(10);
    expect(operations.qa.figures).toEqual(STRATEGY_FIGURES.critical);
    expect(operations.sentiment.figures.retry_attempts).toBe(2);
    expect(operations.key_points.figures).toEqual(STRATEGY_FIGURES.balanced);
  });

  it('maps the development preset: aggressive, qa balanced', () => {
    const { operations } = resilienceSettingsFromEnv(
      new ConfigService({ RESILIENCE_PRESET: 'development' }),
    );
    expect(operations.summarize).toEqual({
      strategy: 'aggressive',
      figures: PRESETS.development.figures,
    });
    expect(operations.sentiment.figures).toEqual(PRESETS.development.figures);
    expect(operations.qa).toEqual({ strategy: 'balanced', figures: STRATEGY_FIGURES.balanced });
  });

  it('lets an operation variable win over the custom config and the preset', () => {
    const env = {
      RESILIENCE_PRESET: 'production',
      RESILIENCE_CUSTOM_CONFIG: JSON.stringify({
        default_strategy: 'critical',
        operation_overrides: { qa: 'aggressive', questions: 'conservative' },
      }),
      QA_RESILIENCE_STRATEGY: 'balanced',
    };
    expect(strategies(env)).toEqual({
      summarize: 'conservative', // the preset's override
      sentiment: 'aggressive',
      key_points: 'balanced',
      questions: 'conservative', // the custom override
      qa: 'balanced', // the variable
    });
    expect(strategies({ RESILIENCE_CUSTOM_CONFIG: '{"default_strategy":"critical"}' })).toEqual(
      Object.fromEntries(OPERATIONS.map((op) => [op, 'critical'])),
    );
  });

  it('applies the custom figures to every operation', () => {
    const { operations } = resilienceSettingsFromEnv({
      RESILIENCE_PRESET: 'production',
      RESILIENCE_CUSTOM_CONFIG:
        '{"retry_attempts": 1, "circuit_breaker_threshold": 2, "recovery_timeout": 10, "jitter_enabled": false, "exponential_min": 0.5}',
    });
    for (const operation of OPERATIONS) {
      expect(operations[operation].figures).toMatchObject({
        retry_attempts: 1,
        circuit_breaker_threshold: 2,
        recovery_timeout: 10,
        jitter_enabled: false,
        exponential_min: 0.5,
      });
    }
    expect(operations.qa.figures.exponential_max).toBe(STRATEGY_FIGURES.critical.exponential_max);
  });

  it.each([
    [
      { RESILIENCE_PRESET: 'fast' },
      'Invalid setting RESILIENCE_PRESET: "fast" (expected one of simple, development, production)',
    ],
    [{ RESILIENCE_PRESET: 'Production' }, 'Invalid setting RESILIENCE_PRESET'],
    [
      { SENTIMENT_RESILIENCE_STRATEGY: 'fast' },
      'Invalid setting SENTIMENT_RESILIENCE_STRATEGY: "fast" (expected one of aggressive, balanced, conservative, critical)',
    ],
    [{ RESILIENCE_CUSTOM_CONFIG: '{retry_attempts: 3}' }, '(expected a JSON object)'],
    [{ RESILIENCE_CUSTOM_CONFIG: '[1]' }, '(expected a JSON object)'],
    [{ RESILIENCE_CUSTOM_CONFIG: '{"retries": 3}' }, '(expected only the keys retry_attempts,'],
    [
      { RESILIENCE_CUSTOM_CONFIG: '{"retry_attempts": 0}' },
      '(expected retry_attempts: an integer from 1 to 10)',
    ],
    [
      { RESILIENCE_CUSTOM_CONFIG: '{"retry_attempts": 2.5}' },
      '(expected retry_attempts: an integer from 1 to 10)',
    ],
    [
      { RESILIENCE_CUSTOM_CONFIG: '{"recovery_timeout": 5}' },
      '(expected recovery_timeout: an integer from 10 to 300)',
    ],
    [
      { RESILIENCE_CUSTOM_CONFIG: '{"exponential_min": "1"}' },
      '(expected exponential_min: a number from 0.5 to 10)',
    ],
    [
      { RESILIENCE_CUSTOM_CONFIG: '{"jitter_enabled": "yes"}' },
      '(expected jitter_enabled: true or false)',
    ],
    [
      { RESILIENCE_CUSTOM_CONFIG: '{"default_strategy": "fast"}' },
      '(expected default_strategy: one of aggressive,',
    ],
    [
      { RESILIENCE_CUSTOM_CONFIG: '{"operation_overrides": {"translate": "balanced"}}' },
      '(expected operation_overrides: an object of summarize,',
    ],
    [
      { RESILIENCE_CUSTOM_CONFIG: '{"operation_overrides": {"qa": "fast"}}' },
      '(expected operation_overrides:',
    ],
    [
      { RESILIENCE_CUSTOM_CONFIG: '{"__proto__": {"retry_attempts": 1}}' },
      '(expected only the keys',
    ],
  ])('refuses %j, naming the variable', (env, message) => {
    expect(() => resilienceSettingsFromEnv(env)).toThrow(HealthConfigurationError);
    expect(() => resilienceSettingsFromEnv(env)).toThrow(message);
  });

  it('refuses a custom config longer than its bound without parsing it', () => {
    const long = `{"retry_attempts": 3${' '.repeat(MAX_CUSTOM_CONFIG_LENGTH)}}`;
    expect(() => resilienceSettingsFromEnv({ RESILIENCE_CUSTOM_CONFIG: long })).toThrow(
      `(expected a JSON object of at most ${MAX_CUSTOM_CONFIG_LENGTH} characters)`,
    );
  });

  it('ignores blank variables', () => {
    expect(
      resilienceSettingsFromEnv({
        RESILIENCE_PRESET: ' ',
        RESILIENCE_CUSTOM_CONFIG: '',
        QA_RESILIENCE_STRATEGY: '',
      }),
    ).toEqual(resilienceSettingsFromEnv({}));
  });
});

describe('resilienceSettingsFromEnv, properties', () => {
  const strategy = fc.constantFrom(...STRATEGIES);
  const figureKeys = {
    retry_attempts: fc.integer({ min: 1, max: 10 }),
    circuit_breaker_threshold: fc.integer({ min: 1, max: 20 }),
    recovery_timeout: fc.integer({ min: 10, max: 300 }),
    exponential_multiplier: fc.double({ min: 0.1, max: 5, noNaN: true }),
    exponential_min: fc.double({ min: 0.5, max: 10, noNaN: true }),
    exponential_max: fc.double({ min: 5, max: 120, noNaN: true }),
    jitter_enabled: fc.boolean(),
    jitter_max: fc.double({ min: 0.1, max: 10, noNaN: true }),
    max_delay_seconds: fc.integer({ min: 5, max: 600 }),
  };
  const validCustom = fc.record(
    {
      ...figureKeys,
      default_strategy: strategy,
      operation_overrides: fc.dictionary(fc.constantFrom(...OPERATIONS), strategy),
    },
    { requiredKeys: [] },
  );
  const env = fc.record(
    {
      RESILIENCE_PRESET: fc.constantFrom('simple', 'development', 'production'),
      RESILIENCE_CUSTOM_CONFIG: validCustom.map((c) => JSON.stringify(c)),
      ...Object.fromEntries(OPERATIONS.map((op) => [strategyVariable(op), strategy])),
    },
    { requiredKeys: [] },
  );

  it('accepts every valid setting: each operation gets a strategy and in-range figures', () => {
    fc.assert(
      fc.property(env, (values) => {
        const settings = resilienceSettingsFromEnv(values as Record<string, string>);
        const custom = values.RESILIENCE_CUSTOM_CONFIG
          ? (JSON.parse(values.RESILIENCE_CUSTOM_CONFIG) as Record<string, unknown>)
          : {};
        for (const operation of OPERATIONS) {
          const { strategy: chosen, figures } = settings.operations[operation];
          expect(STRATEGIES).toContain(chosen);
          const own = (values as Record<string, string | undefined>)[strategyVariable(operation)];
          if (own) expect(chosen).toBe(own);
          for (const key of Object.keys(figureKeys)) {
            if (key in custom) expect(figures[key as keyof typeof figures]).toBe(custom[key]);
          }
          expect(figures.retry_attempts).toBeGreaterThanOrEqual(1);
          expect(figures.circuit_breaker_threshold).toBeGreaterThanOrEqual(1);
        }
      }),
    );
  });

  it('never throws anything but a HealthConfigurationError naming the variable, whatever the text', () => {
    const names = ['RESILIENCE_PRESET', 'RESILIENCE_CUSTOM_CONFIG', strategyVariable('qa')];
    fc.assert(
      fc.property(
        fc.constantFrom(...names),
        fc.oneof(fc.string(), fc.json(), fc.string({ unit: 'binary' })),
        (name, value) => {
          try {
            resilienceSettingsFromEnv({ [name]: value });
          } catch (error) {
            expect(error).toBeInstanceOf(HealthConfigurationError);
            expect((error as HealthConfigurationError).setting).toBe(name);
            expect((error as Error).message).not.toContain('\n');
          }
        },
      ),
    );
  });

  it('refuses a custom key outside the allow-list, whatever else the object holds', () => {
    const unknownKey = fc
      .string({ minLength: 1, maxLength: 20 })
      .filter((k) => !(k in figureKeys) && k !== 'default_strategy' && k !== 'operation_overrides');
    fc.assert(
      fc.property(validCustom, unknownKey, fc.jsonValue(), (custom, key, value) => {
        const text = JSON.stringify({ ...custom, [key]: value });
        expect(() => resilienceSettingsFromEnv({ RESILIENCE_CUSTOM_CONFIG: text })).toThrow(
          'Invalid setting RESILIENCE_CUSTOM_CONFIG',
        );
      }),
    );
  });
});
