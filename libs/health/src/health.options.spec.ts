import { HealthConfigurationError } from './core/errors';
import { HealthStatus } from './core/health-status';
import type { HealthModuleOptions } from './health.options';
import { resolveHealthOptions, validateComponentName } from './health.options';

describe('resolveHealthOptions', () => {
  it('fills in the defaults', () => {
    const resolved = resolveHealthOptions();
    expect(resolved).toMatchObject({
      version: '1.0.0',
      defaults: { timeoutMs: 2000, retries: 1, cacheTtlMs: 0, critical: true, tags: [] },
      retryBaseDelayMs: 100,
      checks: [],
      components: {},
      enabledComponents: undefined,
      secrets: [undefined],
      legacy: { aiModelConfigured: false },
    });
    expect(typeof resolved.clock.monotonicMs()).toBe('number');
    expect(Math.abs(resolved.clock.epochMs() - Date.now())).toBeLessThan(1000);
  });

  it('treats API keys and the webhook signing secret as secrets however they were configured', () => {
    const { secrets } = resolveHealthOptions({
      secrets: ['a-secret'],
      apiKeys: ['svc-key-1'],
      webhooks: { secret: 'whsec-2' },
    });
    expect(secrets).toEqual(['a-secret', 'svc-key-1', 'whsec-2']);
  });

  it('keeps valid settings', () => {
    const resolved = resolveHealthOptions({
      version: '2.0.0',
      defaultTimeoutMs: 500,
      retries: 0,
      retryBaseDelayMs: 0,
      cacheTtlMs: 1000,
      enabledComponents: ['cache', 'database'],
      components: { cache: { timeoutMs: 100, tags: ['ready'], critical: false } },
    });
    expect(resolved.defaults).toMatchObject({ timeoutMs: 500, retries: 0, cacheTtlMs: 1000 });
    expect([...(resolved.enabledComponents ?? [])]).toEqual(['cache', 'database']);
  });

  it.each<[string, HealthModuleOptions, RegExp]>([
    [
      'a negative timeout',
      { defaultTimeoutMs: -5 },
      /defaultTimeoutMs: -5 \(expected a number of milliseconds > 0\)/,
    ],
    ['a zero timeout', { defaultTimeoutMs: 0 }, /defaultTimeoutMs: 0/],
    ['a non-numeric timeout', { defaultTimeoutMs: 'abc' as never }, /defaultTimeoutMs: "abc"/],
    ['a NaN timeout', { defaultTimeoutMs: NaN }, /defaultTimeoutMs: NaN/],
    ['an infinite timeout', { defaultTimeoutMs: Infinity }, /defaultTimeoutMs: Infinity/],
    ['a retry count below 0', { retries: -1 }, /retries: -1 \(expected an integer >= 0\)/],
    ['a fractional retry count', { retries: 1.5 }, /retries: 1.5/],
    ['a negative TTL', { cacheTtlMs: -1 }, /cacheTtlMs: -1/],
    ['a negative backoff', { retryBaseDelayMs: -1 }, /retryBaseDelayMs: -1/],
    [
      'an unknown details visibility',
      { details: 'sometimes' as never },
      /details: "sometimes" \(expected one of never, when-authorized, always\)/,
    ],
    ['a negative shutdown delay', { shutdownDelayMs: -1 }, /shutdownDelayMs: -1/],
    [
      'an unknown enabled component',
      { enabledComponents: ['cache', 'redis'] },
      /enabledComponents: "redis" \(expected one of ai_model, cache, resilience, database, runtime\)/,
    ],
    [
      'a non-array enabled list',
      { enabledComponents: 'cache' as never },
      /enabledComponents: "cache"/,
    ],
    ['an empty version', { version: ' ' }, /version: " "/],
    ['checks that are not an array', { checks: {} as never }, /checks: \{\}/],
    [
      'a check without a function',
      { checks: [{ name: 'x' } as never] },
      /checks\[0\]\.check: undefined/,
    ],
    [
      'a check with a bad name',
      { checks: [{ name: 'X', check: () => ({ status: HealthStatus.HEALTHY }) }] },
      /checks\[0\]\.name: "X"/,
    ],
    [
      'a per-component timeout',
      { components: { cache: { timeoutMs: -1 } } },
      /components\.cache\.timeoutMs: -1/,
    ],
    [
      'per-component options that are not an object',
      { components: { cache: 5 as never } },
      /components\.cache: 5/,
    ],
    [
      'a non-boolean critical',
      { components: { cache: { critical: 'yes' as never } } },
      /components\.cache\.critical: "yes"/,
    ],
    [
      'tags that are not strings',
      { components: { cache: { tags: [1] as never } } },
      /components\.cache\.tags: \[1\]/,
    ],
    ['empty tags', { components: { cache: { tags: [''] } } }, /components\.cache\.tags: \[""\]/],
    [
      'a bad per-component TTL',
      { components: { cache: { cacheTtlMs: -2 } } },
      /components\.cache\.cacheTtlMs: -2/,
    ],
    [
      'bad per-component retries',
      { components: { cache: { retries: -3 } } },
      /components\.cache\.retries: -3/,
    ],
  ])('refuses %s, naming the setting and the value', (_label, options, message) => {
    expect(() => resolveHealthOptions(options)).toThrow(HealthConfigurationError);
    expect(() => resolveHealthOptions(options)).toThrow(message);
  });

  it('masks credentials inside a bad value it shows', () => {
    expect(() => resolveHealthOptions({ version: 5 as never })).toThrow('version: 5');
    expect(() => resolveHealthOptions({ enabledComponents: ['redis://u:hunter2@cache'] })).toThrow(
      'enabledComponents: "redis://u:***@cache"',
    );
  });

  it('resolves trend and webhook defaults', () => {
    const { trends, webhooks } = resolveHealthOptions();
    expect(trends).toEqual({ intervalMs: 10_000, retentionMs: 86_400_000 });
    expect(webhooks).toEqual({
      urls: [],
      secret: undefined,
      includeDetails: false,
      queueSize: 1000,
      maxAttempts: 5,
      attemptTimeoutMs: 5000,
      minConsecutive: 2,
      cooldownMs: 60_000,
      dedup: 'none',
      redisUrl: undefined,
      serviceName: 'api',
    });
  });

  it.each<[string, HealthModuleOptions, RegExp]>([
    ['a negative trend interval', { trends: { intervalMs: -1 } }, /trends\.intervalMs: -1/],
    [
      'a retention shorter than the interval',
      { trends: { intervalMs: 1000, retentionMs: 500 } },
      /trends\.retentionMs: 500 \(expected at least trends\.intervalMs \(1000\)\)/,
    ],
    [
      'a webhook URL that is not http(s)',
      { webhooks: { urls: ['ftp://x'], secret: 's' } },
      /webhooks\.urls: "ftp:\/\/x"/,
    ],
    [
      'webhook URLs without a secret',
      { webhooks: { urls: ['https://hooks.test/x'] } },
      /webhooks\.secret: "" \(expected a signing secret/,
    ],
    ['an unknown dedup mode', { webhooks: { dedup: 'etcd' as never } }, /webhooks\.dedup: "etcd"/],
    ['redis dedup without a Redis URL', { webhooks: { dedup: 'redis' } }, /webhooks\.redisUrl/],
    [
      'a queue of 0',
      { webhooks: { queueSize: 0 } },
      /webhooks\.queueSize: 0 \(expected an integer >= 1\)/,
    ],
    ['0 attempts', { webhooks: { maxAttempts: 0 } }, /webhooks\.maxAttempts: 0/],
    [
      'a bad service name',
      { webhooks: { serviceName: 'My API' } },
      /webhooks\.serviceName: "My API"/,
    ],
    [
      'metrics that are neither false nor an object',
      { metrics: true as never },
      /metrics: true \(expected false or \{ registry \}\)/,
    ],
    [
      'a registry that is not one',
      { metrics: { registry: {} as never } },
      /metrics\.registry: "object" \(expected a prom-client Registry\)/,
    ],
  ])('refuses %s', (_label, options, message) => {
    expect(() => resolveHealthOptions(options)).toThrow(message);
  });

  it('resolves metrics on by default, off with false', () => {
    expect(resolveHealthOptions().metrics).toEqual({ enabled: true });
    expect(resolveHealthOptions({ metrics: false }).metrics).toEqual({ enabled: false });
  });

  it('accepts a trend interval of 0 (disabled) whatever the retention', () => {
    expect(
      resolveHealthOptions({ trends: { intervalMs: 0, retentionMs: 1 } }).trends.intervalMs,
    ).toBe(0);
  });

  it('refuses options that are not an object', () => {
    expect(() => resolveHealthOptions(null as never)).toThrow(/HealthModule options: null/);
  });

  it('describes values JSON cannot hold by their type', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(() => resolveHealthOptions({ components: { x: { tags: circular as never } } })).toThrow(
      /tags: object/,
    );
    expect(() => resolveHealthOptions({ version: (() => 1) as never })).toThrow(
      /version: function/,
    );
  });
});

describe('validateComponentName', () => {
  it.each(['cache', 'ai_model', 'a-b-1', 'x'.repeat(64)])('accepts %s', (name) => {
    expect(validateComponentName(name)).toBe(name);
  });

  it.each(['', 'Cache', 'a b', 'a.b', 'x'.repeat(65), 5])('refuses %p', (name) => {
    expect(() => validateComponentName(name)).toThrow(HealthConfigurationError);
  });
});
