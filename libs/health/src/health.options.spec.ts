import { HealthConfigurationError } from './shared/errors';
import { HealthStatus } from './core/health-status';
import { Test } from '@nestjs/testing';
import type { HealthModuleOptions } from './health.options';
import { HealthModule } from './health.module';
import { HealthService } from './core/health.service';
import { ENGINE_OPTIONS, resolveEngineOptions } from './core/engine.options';
import type { HealthEngineOptions } from './core/engine.options';
import { resolveConfigSettings } from './config/config.options';
import { HealthConfigModule } from './config/health-config.module';
import { validateComponentName } from './shared/names';
import { MAX_TIMER_MS } from './shared/validate';
import { isoTimestamp, resolveHttpSettings, resolveRoutes } from './http/http.options';
import { resolveTrendSettings } from './trends/trend.options';
import type { WebhookOptions } from './webhooks/webhook.options';
import { resolveWebhookOptions } from './webhooks/webhook.options';

/** Trend settings of these module options, sampled at the engine's interval (default 10 s). */
const trendSettingsOf = (options: HealthModuleOptions = {}) =>
  resolveTrendSettings(options.trends, options.evaluationIntervalMs ?? 10_000);

describe('resolveEngineOptions', () => {
  it('fills in the defaults', () => {
    const resolved = resolveEngineOptions();
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
    expect(() => resolveEngineOptions({ secrets: 'pw-secret-1' as never })).toThrow(
      'Invalid setting secrets: "***" (expected an array of strings)',
    );
    expect(() => resolveHttpSettings({ detailsKeys: 'sk-live-key' as never })).toThrow(
      'Invalid setting detailsKeys: "***"',
    );
    expect(() => resolveHttpSettings({ detailsKeys: [5] as never })).toThrow(
      /detailsKeys: "\*\*\*"/,
    );
  });

  it('treats the details keys as secrets too (HealthModule gives them to the engine)', async () => {
    const key = 'details-key-0123456789';
    const moduleRef = await Test.createTestingModule({
      imports: [HealthModule.forRoot({ secrets: ['s-1'], detailsKeys: [key], exposeHttp: false })],
    }).compile();
    expect(moduleRef.get<HealthEngineOptions>(ENGINE_OPTIONS).secrets).toEqual(['s-1', key]);
    expect(moduleRef.get(HealthService).redactor.text(`token ${key}`)).toBe('token ***');
    await moduleRef.close();
  });

  it('keeps the secrets it is given', () => {
    expect(resolveEngineOptions({ secrets: ['a-secret', undefined] }).secrets).toEqual([
      'a-secret',
      undefined,
    ]);
  });

  it('keeps valid settings', () => {
    const resolved = resolveEngineOptions({
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
    expect(() => resolveEngineOptions(options)).toThrow(HealthConfigurationError);
    expect(() => resolveEngineOptions(options)).toThrow(message);
  });

  it('masks credentials inside a bad value it shows', () => {
    expect(() => resolveEngineOptions({ version: 5 as never })).toThrow('version: 5');
    expect(() => resolveEngineOptions({ enabledComponents: ['redis://u:hunter2@cache'] })).toThrow(
      'enabledComponents: "redis://u:***@cache"',
    );
  });

  it('applies enabledComponents to any name, not a built-in list', () => {
    const resolved = resolveEngineOptions({ enabledComponents: ['payments', 'cache'] });
    expect([...(resolved.enabledComponents ?? [])]).toEqual(['payments', 'cache']);
  });
});

describe('consumer settings, each resolved from the module options', () => {
  it('resolves trend and webhook defaults', () => {
    expect(trendSettingsOf()).toEqual({ intervalMs: 10_000, retentionMs: 86_400_000 });
    // The app drives the evaluations: the rings are sized for one every 10 s.
    expect(trendSettingsOf({ evaluationIntervalMs: 0 }).intervalMs).toBe(10_000);
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
    expect(() => trendSettingsOf(options)).toThrow(message);
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

  it('accepts an evaluation interval of 0 (the app drives it) whatever the retention', () => {
    expect(trendSettingsOf({ evaluationIntervalMs: 0, trends: { retentionMs: 1 } })).toEqual({
      intervalMs: 10_000,
      retentionMs: 1,
    });
  });

  it('resolves the HTTP settings: details, keys, the legacy fields and writers', () => {
    const settings = resolveHttpSettings({ detailsKeys: [' details-key-0001 ', undefined, ''] });
    expect(settings.details).toBe('when-authorized');
    expect(settings.detailsKeys).toEqual(['details-key-0001']);
    // No field of the library's own; the timestamp in ISO 8601, UTC.
    expect(settings.legacy).toEqual({ fields: [], fallback: {}, timestamp: isoTimestamp });
    const custom = resolveHttpSettings({
      legacy: {
        fields: [{ key: 'payments_ok', component: 'payments' }],
        fallback: { payments_ok: false },
      },
    });
    expect(custom.legacy).toEqual({
      fields: [{ key: 'payments_ok', component: 'payments', whenMissing: null }],
      fallback: { payments_ok: false },
      timestamp: isoTimestamp,
    });
    const stamp = (epochMs: number) => String(epochMs);
    expect(resolveHttpSettings({ legacy: { timestamp: stamp } }).legacy.timestamp).toBe(stamp);
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
      {
        legacy: {
          fields: [{ key: 'cache_healthy', component: 'cache' }],
          fallback: { cache_healthy: 'yes' as never },
        },
      },
      /legacy\.fallback\.cache_healthy: "yes"/,
    ],
    [
      'a timestamp that is not a function',
      { legacy: { timestamp: 'iso' as never } },
      /legacy\.timestamp: "string" \(expected a function of epoch ms\)/,
    ],
    ['legacy fields that are not a list', { legacy: { fields: 'x' as never } }, /legacy\.fields/],
  ])('refuses %s in the HTTP settings', (_label, options, message) => {
    expect(() => resolveHttpSettings(options)).toThrow(message);
  });

  it('refuses a blank admin key, and one that is also a details key (HealthConfigModule)', async () => {
    expect(() => resolveConfigSettings({ adminKeys: [' '] })).toThrow(
      /^Invalid setting adminKeys: "\*\*\*" \(expected one or more secrets, not a blank value/,
    );
    const shared = 'shared-key-000001';
    const compile = Test.createTestingModule({
      imports: [
        HealthModule.forRoot({ detailsKeys: [shared], exposeHttp: false }),
        HealthConfigModule.forRoot({ adminKeys: [shared], http: false }),
      ],
    }).compile();
    await expect(compile).rejects.toThrow(
      /^Invalid setting adminKeys: "\*\*\*" \(expected keys other than the details keys: an admin key may not be a details key\)$/,
    );
  });

  it('resolves routes: base path, groups, redirect', () => {
    // What every app needs, and nothing else: the report and the probes, no redirect.
    expect(resolveRoutes()).toEqual({
      basePath: 'v1/health',
      endpoints: {
        legacy: false,
        components: true,
        probes: true,
        trends: false,
        status: false,
        events: false,
      },
      redirect: false,
      version: undefined,
    });
    expect(
      resolveRoutes({ basePath: '/ops/health/', redirect: true, endpoints: { trends: true } }),
    ).toMatchObject({ basePath: 'ops/health', redirect: true, endpoints: { trends: true } });
    // No redirect from health to itself.
    expect(resolveRoutes({ basePath: 'health', redirect: true }).redirect).toBe(false);
    expect(() => resolveRoutes({ endpoints: { config: true } as never })).toThrow(
      /http\.endpoints\.config/,
    );
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
    expect(() => resolveEngineOptions(null as never)).toThrow(/HealthModule options: null/);
  });

  it('describes values JSON cannot hold by their type', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(() => resolveEngineOptions({ components: { x: { tags: circular as never } } })).toThrow(
      /tags: an object \(/,
    );
    expect(() => resolveEngineOptions({ version: (() => 1) as never })).toThrow(
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
