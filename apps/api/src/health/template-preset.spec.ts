import {
  TEMPLATE_COMPONENTS,
  templateEnabledComponents,
  templateHealthOptions,
  templateWebhookOptions,
} from './template-preset';
import { legacyContract } from './legacy-contract';

describe('the template preset', () => {
  it('enables the template default when the list is unset, with database when DATABASE_URL is set', () => {
    expect(templateEnabledComponents({})).toEqual(['ai_model', 'cache', 'resilience']);
    expect(templateEnabledComponents({ HEALTH_CHECK_ENABLED_COMPONENTS: ' ' })).toEqual([
      'ai_model',
      'cache',
      'resilience',
    ]);
    expect(templateEnabledComponents({ DATABASE_URL: 'postgres://127.0.0.1/test' })).toEqual([
      'ai_model',
      'cache',
      'resilience',
      'database',
    ]);
    // An explicit list is authoritative, in either of the template's formats.
    const explicit = {
      DATABASE_URL: 'postgres://x/test',
      HEALTH_CHECK_ENABLED_COMPONENTS: 'cache',
    };
    expect(templateEnabledComponents(explicit)).toEqual(['cache']);
    expect(
      templateEnabledComponents({ HEALTH_CHECK_ENABLED_COMPONENTS: '["ai_model", "runtime"]' }),
    ).toEqual(['ai_model', 'runtime']);
  });

  it('refuses a name that is not one of the template components, naming the variable', () => {
    expect(() =>
      templateEnabledComponents({ HEALTH_CHECK_ENABLED_COMPONENTS: 'cache,redis' }),
    ).toThrow(
      `Invalid setting HEALTH_CHECK_ENABLED_COMPONENTS: "redis" (expected a list of ${TEMPLATE_COMPONENTS.join(', ')})`,
    );
  });

  it('maps the template variables: per-component timeouts, API_KEY for details, the fallback', () => {
    const options = templateHealthOptions(
      {
        APP_VERSION: '3.1.0',
        HEALTH_CHECK_AI_MODEL_TIMEOUT_MS: '900',
        HEALTH_CHECK_DATABASE_TIMEOUT_MS: '3000',
        GEMINI_API_KEY: 'AIza-test-key',
        API_KEY: 'svc-key',
        HEALTH_DETAILS_KEYS: 'ops-details-key-0001',
      },
      [],
    );
    expect(options).toMatchObject({
      version: '3.1.0',
      components: { ai_model: { timeoutMs: 900 }, database: { timeoutMs: 3000 } },
      detailsKeys: ['ops-details-key-0001'],
      legacy: { fallback: { ai_model_available: true } },
      checks: [],
    });
    // API_KEY keeps the template's rule: it authorizes details through the hook.
    expect(options.authorizeDetails?.({ headers: { 'x-api-key': 'svc-key' } })).toBe(true);
    expect(options.authorizeDetails?.({ headers: { 'x-api-key': 'svc-key-2' } })).toBe(false);
    expect(templateHealthOptions({}).authorizeDetails).toBeUndefined();
    // The template's list picks which of its components are built, never filtering the app's.
    expect(options.enabledComponents).toBeUndefined();
    expect(templateHealthOptions({}).legacy).toEqual(legacyContract(false));
    expect(templateHealthOptions({}).legacy?.fallback).toEqual({ ai_model_available: false });
  });

  it('drains after SIGTERM only in production (5 s, the library default) unless HEALTH_SHUTDOWN_DELAY_MS is set', () => {
    const delay = (env: Record<string, string>) => templateHealthOptions(env).shutdownDelayMs;
    expect(delay({})).toBe(0);
    expect(delay({ NODE_ENV: 'development' })).toBe(0);
    expect(delay({ NODE_ENV: 'test', HEALTH_SHUTDOWN_DELAY_MS: ' ' })).toBe(0);
    expect(delay({ NODE_ENV: 'production' })).toBeUndefined();
    expect(delay({ NODE_ENV: 'production', HEALTH_SHUTDOWN_DELAY_MS: '0' })).toBe(0);
    expect(delay({ NODE_ENV: 'production', HEALTH_SHUTDOWN_DELAY_MS: '1200' })).toBe(1200);
    expect(delay({ HEALTH_SHUTDOWN_DELAY_MS: '2500' })).toBe(2500);
    // Through a ConfigService too (apps/api reads .env through it).
    const config = { get: (key: string) => ({ NODE_ENV: 'production' })[key] };
    expect(templateHealthOptions(config).shutdownDelayMs).toBeUndefined();
  });

  it("reads the template's components only: another HEALTH_CHECK_<NAME>_* in the process environment is listed as unread", () => {
    process.env.HEALTH_CHECK_PAYMNETS_TIMEOUT_MS = '900';
    try {
      const options = templateHealthOptions(process.env);
      expect(options.unreadVariables).toEqual(['HEALTH_CHECK_PAYMNETS_TIMEOUT_MS']);
      expect(options.components?.paymnets).toBeUndefined();
    } finally {
      delete process.env.HEALTH_CHECK_PAYMNETS_TIMEOUT_MS;
    }
  });

  it('reads the older HEALTH_TREND_INTERVAL_MS when HEALTH_EVALUATION_INTERVAL_MS is unset', () => {
    expect(templateHealthOptions({ HEALTH_TREND_INTERVAL_MS: '0' }).evaluationIntervalMs).toBe(0);
    expect(
      templateHealthOptions({ HEALTH_TREND_INTERVAL_MS: '0', HEALTH_EVALUATION_INTERVAL_MS: '20' })
        .evaluationIntervalMs,
    ).toBe(20);
    expect(
      templateHealthOptions({ HEALTH_TREND_INTERVAL_MS: '30', HEALTH_EVALUATION_INTERVAL_MS: ' ' })
        .evaluationIntervalMs,
    ).toBe(30);
  });

  it('collects the secrets that must never be shown: keys and URL passwords', () => {
    const { secrets } = templateHealthOptions({
      GEMINI_API_KEY: 'gem-key',
      API_KEY: 'svc-key',
      HEALTH_WEBHOOK_SECRET: 'whsec-1',
      REDIS_URL: 'redis://default:p%40ss@127.0.0.1:6379',
      DATABASE_URL: 'not a url',
    });
    expect(secrets).toEqual(expect.arrayContaining(['gem-key', 'svc-key', 'whsec-1', 'p@ss']));
  });

  it('de-duplicates webhooks through the template REDIS_URL unless HEALTH_WEBHOOK_REDIS_URL is set', () => {
    const env = { HEALTH_WEBHOOK_DEDUP: 'redis', REDIS_URL: 'redis://127.0.0.1:6390' };
    expect(templateWebhookOptions(env).redisUrl).toBe('redis://127.0.0.1:6390');
    expect(
      templateWebhookOptions({ ...env, HEALTH_WEBHOOK_REDIS_URL: 'redis://127.0.0.1:7000' })
        .redisUrl,
    ).toBe('redis://127.0.0.1:7000');
    expect(() => templateWebhookOptions({ HEALTH_WEBHOOK_DEDUP: 'redis' })).toThrow(
      'HEALTH_WEBHOOK_REDIS_URL',
    );
  });

  it('reaches the template Redis with its password beside the URL, and keeps it secret', () => {
    const env = {
      HEALTH_WEBHOOK_DEDUP: 'redis',
      REDIS_URL: 'redis://127.0.0.1:6390/2',
      REDIS_PASSWORD: 'redis-pass-1',
    };
    expect(templateWebhookOptions(env).redisOptions).toEqual({
      username: undefined,
      password: 'redis-pass-1',
      db: 2,
    });
    expect(templateHealthOptions(env).secrets).toContain('redis-pass-1');
    const own = { ...env, HEALTH_WEBHOOK_REDIS_URL: 'redis://:other@127.0.0.1:7000' };
    expect(templateWebhookOptions(own).redisOptions).toBeUndefined();
  });
});
