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

  it('reads the trend and webhook variables', () => {
    const options = healthOptionsFromEnv({
      HEALTH_TREND_INTERVAL_MS: '0',
      HEALTH_TREND_RETENTION_MS: '3600000',
      HEALTH_WEBHOOK_URLS: ' https://a.test/hook , http://127.0.0.1:9/x ',
      HEALTH_WEBHOOK_SECRET: 'whsec-123',
      HEALTH_WEBHOOK_INCLUDE_DETAILS: 'TRUE',
      HEALTH_WEBHOOK_QUEUE_SIZE: '10',
      HEALTH_WEBHOOK_MAX_ATTEMPTS: '3',
      HEALTH_WEBHOOK_TIMEOUT_MS: '250',
      HEALTH_WEBHOOK_MIN_CONSECUTIVE: '1',
      HEALTH_WEBHOOK_COOLDOWN_MS: '0',
      HEALTH_WEBHOOK_DEDUP: 'redis',
      REDIS_URL: 'redis://127.0.0.1:6390',
      HEALTH_SERVICE_NAME: 'billing',
    });
    expect(options.trends).toEqual({ intervalMs: 0, retentionMs: 3_600_000 });
    expect(options.webhooks).toEqual({
      urls: ['https://a.test/hook', 'http://127.0.0.1:9/x'],
      secret: 'whsec-123',
      includeDetails: true,
      queueSize: 10,
      maxAttempts: 3,
      attemptTimeoutMs: 250,
      minConsecutive: 1,
      cooldownMs: 0,
      dedup: 'redis',
      redisUrl: 'redis://127.0.0.1:6390',
      serviceName: 'billing',
    });
    expect(options.secrets).toContain('whsec-123');
  });

  it.each([
    [
      { HEALTH_WEBHOOK_URLS: 'not a url', HEALTH_WEBHOOK_SECRET: 's' },
      'HEALTH_WEBHOOK_URLS: "not a url"',
    ],
    [{ HEALTH_WEBHOOK_URLS: 'https://a.test/x' }, 'HEALTH_WEBHOOK_SECRET: ""'],
    [{ HEALTH_WEBHOOK_DEDUP: 'etcd' }, 'HEALTH_WEBHOOK_DEDUP: "etcd"'],
    [
      { HEALTH_WEBHOOK_DEDUP: 'redis' },
      'REDIS_URL: "" (expected a Redis URL when HEALTH_WEBHOOK_DEDUP=redis)',
    ],
    [{ HEALTH_WEBHOOK_INCLUDE_DETAILS: 'yes' }, 'HEALTH_WEBHOOK_INCLUDE_DETAILS: "yes"'],
    [{ HEALTH_WEBHOOK_QUEUE_SIZE: '0' }, 'HEALTH_WEBHOOK_QUEUE_SIZE: "0"'],
    [{ HEALTH_TREND_INTERVAL_MS: '-5' }, 'HEALTH_TREND_INTERVAL_MS: "-5"'],
  ])('refuses %j, naming the variable', (env, message) => {
    expect(() => healthOptionsFromEnv(env)).toThrow(`Invalid setting ${message}`);
  });

  it('refuses an unknown component in the enabled list, naming it', () => {
    expect(() => healthOptionsFromEnv({ HEALTH_CHECK_ENABLED_COMPONENTS: 'cache,redis' })).toThrow(
      'Invalid setting HEALTH_CHECK_ENABLED_COMPONENTS: "redis" (expected a comma-separated list of ai_model, cache, resilience, database, runtime)',
    );
  });
});
