import { HealthConfigurationError } from './core/errors';
import { healthOptionsFromEnv } from './health.env';

describe('healthOptionsFromEnv', () => {
  it('leaves every setting to the defaults when nothing is set', () => {
    expect(healthOptionsFromEnv({})).toEqual({
      version: '1.0.0',
      defaultTimeoutMs: undefined,
      retries: undefined,
      cacheTtlMs: undefined,
      enabledComponents: ['ai_model', 'cache', 'resilience'],
      components: {},
      secrets: [undefined, undefined, undefined],
      legacy: { aiModelConfigured: false },
      details: undefined,
      apiKeys: [undefined],
      shutdownDelayMs: undefined,
      trends: { intervalMs: undefined, retentionMs: undefined },
      webhooks: {
        urls: [],
        secret: undefined,
        includeDetails: undefined,
        queueSize: undefined,
        maxAttempts: undefined,
        attemptTimeoutMs: undefined,
        minConsecutive: undefined,
        cooldownMs: undefined,
        dedup: undefined,
        redisUrl: undefined,
        serviceName: undefined,
      },
    });
  });

  it('reads who sees details, who is authorized, and the shutdown delay', () => {
    expect(
      healthOptionsFromEnv({
        HEALTH_DETAILS: 'always',
        API_KEY: 'k-9',
        HEALTH_SHUTDOWN_DELAY_MS: '0',
      }),
    ).toMatchObject({ details: 'always', apiKeys: ['k-9'], shutdownDelayMs: 0 });
    expect(() => healthOptionsFromEnv({ HEALTH_DETAILS: 'yes' })).toThrow(
      'Invalid setting HEALTH_DETAILS: "yes" (expected one of never, when-authorized, always)',
    );
    expect(() => healthOptionsFromEnv({ HEALTH_SHUTDOWN_DELAY_MS: '-1' })).toThrow(
      'Invalid setting HEALTH_SHUTDOWN_DELAY_MS: "-1" (expected an integer >= 0)',
    );
  });

  it('reads the variables operators already use', () => {
    const options = healthOptionsFromEnv({
      APP_VERSION: '3.1.0',
      HEALTH_CHECK_TIMEOUT_MS: '1500',
      HEALTH_CHECK_AI_MODEL_TIMEOUT_MS: '900',
      HEALTH_CHECK_CACHE_TIMEOUT_MS: ' 250 ',
      HEALTH_CHECK_RESILIENCE_TIMEOUT_MS: '100',
      HEALTH_CHECK_DATABASE_TIMEOUT_MS: '3000',
      HEALTH_CHECK_RETRY_COUNT: '0',
      HEALTH_CHECK_RESULT_TTL_MS: '1000',
      HEALTH_CHECK_ENABLED_COMPONENTS: ' ai_model, cache,,database,cache ',
      GEMINI_API_KEY: 'AIza-test-key',
    });
    expect(options).toMatchObject({
      version: '3.1.0',
      defaultTimeoutMs: 1500,
      retries: 0,
      cacheTtlMs: 1000,
      enabledComponents: ['ai_model', 'cache', 'database'],
      components: {
        ai_model: { timeoutMs: 900 },
        cache: { timeoutMs: 250 },
        resilience: { timeoutMs: 100 },
        database: { timeoutMs: 3000 },
      },
      legacy: { aiModelConfigured: true },
    });
    expect(options.secrets).toContain('AIza-test-key');
  });

  it('enables the contract default when the list is unset or empty, with database when DATABASE_URL is set', () => {
    const defaults = ['ai_model', 'cache', 'resilience'];
    const enabled = (env: Record<string, string>) => healthOptionsFromEnv(env).enabledComponents;
    expect(enabled({ HEALTH_CHECK_ENABLED_COMPONENTS: '' })).toEqual(defaults);
    expect(enabled({ DATABASE_URL: 'postgres://127.0.0.1/test' })).toEqual([
      ...defaults,
      'database',
    ]);
    // An explicit list is authoritative.
    const explicit = {
      DATABASE_URL: 'postgres://x/test',
      HEALTH_CHECK_ENABLED_COMPONENTS: 'cache',
    };
    expect(enabled(explicit)).toEqual(['cache']);
  });

  it('reads from a ConfigService-like getter or a function', () => {
    const values: Record<string, unknown> = { HEALTH_CHECK_RETRY_COUNT: 3, APP_VERSION: null };
    expect(healthOptionsFromEnv({ get: (key: string) => values[key] }).retries).toBe(3);
    expect(
      healthOptionsFromEnv((key) => (key === 'HEALTH_CHECK_TIMEOUT_MS' ? '10' : undefined))
        .defaultTimeoutMs,
    ).toBe(10);
  });

  it('collects the secrets that must never be shown: keys and URL passwords', () => {
    const { secrets } = healthOptionsFromEnv({
      GEMINI_API_KEY: 'gem-key',
      API_KEY: 'svc-key',
      REDIS_URL: 'redis://default:p%40ss@127.0.0.1:6379',
      DATABASE_URL: 'not a url',
    });
    expect(secrets).toEqual(['gem-key', 'svc-key', undefined, 'p%40ss', 'p@ss']);
    expect(healthOptionsFromEnv({ REDIS_URL: 'redis://127.0.0.1:6379' }).secrets).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it.each([
    ['HEALTH_CHECK_TIMEOUT_MS', '-5', 'an integer >= 1'],
    ['HEALTH_CHECK_TIMEOUT_MS', 'abc', 'an integer >= 1'],
    ['HEALTH_CHECK_TIMEOUT_MS', '0', 'an integer >= 1'],
    ['HEALTH_CHECK_TIMEOUT_MS', '1.5', 'an integer >= 1'],
    ['HEALTH_CHECK_CACHE_TIMEOUT_MS', '2s', 'an integer >= 1'],
    ['HEALTH_CHECK_RETRY_COUNT', '-1', 'an integer >= 0'],
    ['HEALTH_CHECK_RESULT_TTL_MS', 'never', 'an integer >= 0'],
    ['HEALTH_CHECK_TIMEOUT_MS', '99999999999999999999', 'an integer >= 1'],
  ])('refuses %s=%s, naming the variable and the value', (variable, value, expected) => {
    const read = () => healthOptionsFromEnv({ [variable]: value });
    expect(read).toThrow(HealthConfigurationError);
    expect(read).toThrow(
      `Invalid setting ${variable}: ${JSON.stringify(value)} (expected ${expected})`,
    );
  });

  it('refuses an unknown component in the enabled list, naming it', () => {
    expect(() => healthOptionsFromEnv({ HEALTH_CHECK_ENABLED_COMPONENTS: 'cache,redis' })).toThrow(
      'Invalid setting HEALTH_CHECK_ENABLED_COMPONENTS: "redis" (expected a comma-separated list of ai_model, cache, resilience, database, runtime)',
    );
  });
});
