import { HealthConfigurationError } from './shared/errors';
import { HealthStatus } from './core/health-status';
import type { HealthModuleOptions } from './health.options';
import { resolveHealthOptions } from './health.options';
import { validateComponentName } from './shared/names';
import { MAX_TIMER_MS } from './shared/validate';
import { resolveHttpSettings, resolveRoutes } from './http/http.options';
import { resolveTrendSettings } from './trends/trend.options';
import type { WebhookOptions } from './webhooks/webhook.options';
import { resolveWebhookOptions } from './webhooks/webhook.options';

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
      secrets: [],
      evaluationIntervalMs: 10_000,
    });
    expect(typeof resolved.clock.monotonicMs()).toBe('number');
    expect(Math.abs(resolved.clock.epochMs() - Date.now())).toBeLessThan(1000);
  });

  it('refuses secrets or details keys that are not a list, without showing them', () => {
    expect(() => resolveHealthOptions({ secrets: 'pw-secret-1' as never })).toThrow(
      'Invalid setting secrets: "***" (expected an array of strings)',
    );
    expect(() => resolveHttpSettings({ detailsKeys: 'sk-live-key' as never })).toThrow(
      'Invalid setting detailsKeys: "***"',
    );
    expect(() => resolveHealthOptions({ detailsKeys: [5] as never })).toThrow(
      /detailsKeys: "\*\*\*"/,
    );
  });

  it('treats the details keys as secrets too', () => {
    expect(resolveHealthOptions({ secrets: ['s-1'], detailsKeys: ['k-1'] }).secrets).toEqual([
      's-1',
      'k-1',
    ]);
  });

  it('keeps the secrets it is given', () => {
    expect(resolveHealthOptions({ secrets: ['a-secret', undefined] }).secrets).toEqual([
      'a-secret',
      undefined,
    ]);
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
      /defaultTimeoutMs: -5 \(expected an integer number of milliseconds from 1 to 2147483647\)/,
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
      'a timeout past what Node timers honour',
      { defaultTimeoutMs: MAX_TIMER_MS + 1 },
      /defaultTimeoutMs: 2147483648/,
    ],
    ['a negative evaluation interval', { evaluationIntervalMs: -1 }, /evaluationIntervalMs: -1/],
    [
      'an evaluation interval past 2^31-1',
      { evaluationIntervalMs: 2 ** 31 },
      /evaluationIntervalMs: 2147483648/,
    ],
    [
      'an enabled component that is not a name',
      { enabledComponents: ['cache', 'Redis Cache'] },
      /enabledComponents: "Redis Cache" \(expected a component name/,
    ],
    [
      'an empty enabled list',
      { enabledComponents: [] },
      /enabledComponents: \[\] \(expected a non-empty array/,
    ],
    ['a clock without methods', { clock: {} as never }, /clock: "object"/],
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

  it('applies enabledComponents to any name, not a built-in list', () => {
    const resolved = resolveHealthOptions({ enabledComponents: ['payments', 'cache'] });
    expect([...(resolved.enabledComponents ?? [])]).toEqual(['payments', 'cache']);
  });
});

describe('consumer settings, each resolved from the module options', () => {
  it('resolves trend and webhook defaults', () => {
    expect(resolveTrendSettings()).toEqual({ intervalMs: 10_000, retentionMs: 86_400_000 });
    expect(resolveTrendSettings({ evaluationIntervalMs: 0 }).intervalMs).toBe(0);
    expect(resolveTrendSettings({ trends: false }).intervalMs).toBe(0);
    const webhooks = resolveWebhookOptions();
    expect(webhooks).toEqual({
      urls: [],
      secret: undefined,
      includeDetails: false,
      queueSize: 1000,
      queueBytes: 262_144,
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
    [
      'a retention shorter than the interval',
      { evaluationIntervalMs: 1000, trends: { retentionMs: 500 } },
      /trends\.retentionMs: 500 \(expected at least evaluationIntervalMs \(1000\)\)/,
    ],
    ['trends that are not an object', { trends: 5 as never }, /trends: 5/],
    ['a retention past 2^31-1', { trends: { retentionMs: 2 ** 31 } }, /trends\.retentionMs/],
  ])('refuses %s in the trend settings', (_label, options, message) => {
    expect(() => resolveTrendSettings(options)).toThrow(message);
  });

  it.each<[string, WebhookOptions, RegExp]>([
    [
      'a webhook URL that is not http(s)',
      { urls: ['ftp://x'], secret: 's' },
      /webhooks\.urls: "ftp:\/\/x"/,
    ],
    [
      'webhook URLs without a secret',
      { urls: ['https://hooks.test/x'] },
      /webhooks\.secret: "" \(expected a signing secret/,
    ],
    ['an unknown dedup mode', { dedup: 'etcd' as never }, /webhooks\.dedup: "etcd"/],
    ['redis dedup without a Redis URL', { dedup: 'redis' }, /webhooks\.redisUrl/],
    [
      'a webhook URL with credentials',
      { urls: ['https://user:pa55w0rd@hooks.test/x'], secret: 's' },
      /webhooks\.urls: "https:\/\/user:\*\*\*@hooks\.test\/x" \(expected URLs without user or password/,
    ],
    ['a queue of 0', { queueSize: 0 }, /webhooks\.queueSize: 0 \(expected an integer >= 1\)/],
    ['0 attempts', { maxAttempts: 0 }, /webhooks\.maxAttempts: 0/],
    ['a bad service name', { serviceName: 'My API' }, /webhooks\.serviceName: "My API"/],
  ])('refuses %s in the webhook options', (_label, options, message) => {
    expect(() => resolveWebhookOptions(options)).toThrow(message);
  });

  it('accepts an evaluation interval of 0 (no trends) whatever the retention', () => {
    expect(resolveTrendSettings({ evaluationIntervalMs: 0, trends: { retentionMs: 1 } })).toEqual({
      intervalMs: 0,
      retentionMs: 1,
    });
  });

  it('resolves the HTTP settings: details, keys, the legacy fields and writers', () => {
    const settings = resolveHttpSettings({ detailsKeys: [' details-key-0001 ', undefined, ''] });
    expect(settings.details).toBe('when-authorized');
    expect(settings.detailsKeys).toEqual(['details-key-0001']);
    expect(settings.legacy.fields.map((f) => f.key)).toEqual([
      'ai_model_available',
      'resilience_healthy',
      'cache_healthy',
    ]);
    expect(settings.legacy.fallback).toEqual({
      ai_model_available: false,
      resilience_healthy: null,
      cache_healthy: null,
    });
    const custom = resolveHttpSettings({
      legacy: {
        fields: [{ key: 'payments_ok', component: 'payments' }],
        fallback: { payments_ok: false },
      },
    });
    expect(custom.legacy).toEqual({
      fields: [{ key: 'payments_ok', component: 'payments', whenMissing: null }],
      fallback: { payments_ok: false },
    });
  });

  it.each<[string, HealthModuleOptions, RegExp]>([
    [
      'an unknown details visibility',
      { details: 'sometimes' as never },
      /details: "sometimes" \(expected one of never, when-authorized, always\)/,
    ],
    ['keys that are not a list', { detailsKeys: 'k' as never }, /detailsKeys: "\*\*\*"/],
    [
      'a weak details key',
      { detailsKeys: ['details-key-0001', 'weak-key'] },
      /^Invalid setting detailsKeys: "\*\*\*" \(expected a secret of at least 16 characters/,
    ],
    [
      'a blank admin key',
      { adminKeys: [' '] },
      /^Invalid setting adminKeys: "\*\*\*" \(expected one or more secrets, not a blank value/,
    ],
    [
      'an admin key that is also a details key',
      { adminKeys: ['shared-key-000001'], detailsKeys: ['shared-key-000001'] },
      /^Invalid setting adminKeys: "\*\*\*" \(expected keys other than those of detailsKeys: an admin key may not be a details key\)$/,
    ],
    ['a hook that is not a function', { authorizeDetails: 5 as never }, /authorizeDetails/],
    ['a writer without a media type', { writers: [{ write: () => 1 }] as never }, /writers/],
    [
      'a legacy key that is taken',
      { legacy: { fields: [{ key: 'status', component: 'x' }] } },
      /legacy\.fields\[0\]\.key: "status"/,
    ],
    [
      'a legacy key listed twice',
      {
        legacy: {
          fields: [
            { key: 'a', component: 'x' },
            { key: 'a', component: 'y' },
          ],
        },
      },
      /legacy\.fields\[1\]\.key: "a"/,
    ],
    [
      'a legacy field without a component',
      { legacy: { fields: [{ key: 'a', component: '' }] } },
      /legacy\.fields\[0\]\.component/,
    ],
    [
      'a legacy whenMissing that is not null or false',
      { legacy: { fields: [{ key: 'a', component: 'x', whenMissing: true as never }] } },
      /legacy\.fields\[0\]\.whenMissing: true/,
    ],
    [
      'a fallback for an unknown key',
      { legacy: { fallback: { nope: true } } },
      /legacy\.fallback: "nope"/,
    ],
    [
      'a fallback that is not a boolean',
      { legacy: { fallback: { cache_healthy: 'yes' as never } } },
      /legacy\.fallback\.cache_healthy: "yes"/,
    ],
    ['legacy fields that are not a list', { legacy: { fields: 'x' as never } }, /legacy\.fields/],
  ])('refuses %s in the HTTP settings', (_label, options, message) => {
    expect(() => resolveHttpSettings(options)).toThrow(message);
  });

  it('resolves routes: base path, groups, redirect', () => {
    expect(resolveRoutes()).toEqual({
      basePath: 'v1/health',
      endpoints: {
        legacy: true,
        components: true,
        probes: true,
        trends: true,
        config: true,
        status: true,
        events: true,
      },
      redirect: true,
      version: undefined,
    });
    expect(
      resolveRoutes({ basePath: '/ops/health/', redirect: false, endpoints: { trends: false } }),
    ).toMatchObject({ basePath: 'ops/health', redirect: false, endpoints: { trends: false } });
    expect(() => resolveRoutes({ basePath: 'a b' })).toThrow(/http\.basePath: "a b"/);
    expect(() => resolveRoutes({ endpoints: { dashboard: true } as never })).toThrow(
      /http\.endpoints\.dashboard/,
    );
    expect(() => resolveRoutes({ redirect: 'yes' as never })).toThrow(/http\.redirect: "yes"/);
    expect(() => resolveRoutes({ endpoints: { probes: 1 as never } })).toThrow(
      /http\.endpoints\.probes: 1/,
    );
    expect(() => resolveRoutes(5 as never)).toThrow(/http: 5/);
  });

  it('refuses options that are not an object', () => {
    expect(() => resolveHealthOptions(null as never)).toThrow(/HealthModule options: null/);
  });

  it('describes values JSON cannot hold by their type', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(() => resolveHealthOptions({ components: { x: { tags: circular as never } } })).toThrow(
      /tags: an object \(/,
    );
    expect(() => resolveHealthOptions({ version: (() => 1) as never })).toThrow(
      /version: a function \(/,
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
