import fc from 'fast-check';
import { HealthConfigurationError } from './shared/errors';
import { componentOfVariable, healthOptionsFromEnv } from './health.env';
import { healthConfigOptionsFromEnv } from './config/config.env';
import { envList, envSecretList } from './shared/env';
import { isAccessSecret } from './shared/access-secret';
import { isComponentName } from './shared/names';
import { healthWebhookOptionsFromEnv } from './webhooks/webhook.env';

const DETAILS_1 = 'details-key-9f3a1c0b7e';
const DETAILS_2 = 'details-key-10d4e8b2a6';
const ADMIN = 'admin-key-5c2e9b71f0a4';
const SECRET_VARIABLES = ['HEALTH_DETAILS_KEYS', 'HEALTH_ADMIN_KEYS'];

/**
 * Who reads a key variable: the module options the details keys, the runtime configuration's
 * options (HealthConfigModule) the admin keys.
 */
const readerOf = (variable: string) =>
  variable === 'HEALTH_ADMIN_KEYS' ? healthConfigOptionsFromEnv : healthOptionsFromEnv;

/** The error a call throws, or undefined. */
function thrown(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('healthOptionsFromEnv', () => {
  it('sets no key when nothing is set: spread over options in code, it keeps them all', () => {
    expect(healthOptionsFromEnv({})).toStrictEqual({});
    expect(healthOptionsFromEnv({ HEALTH_CHECK_RETRY_COUNT: '0', APP_VERSION: ' ' })).toStrictEqual(
      {
        retries: 0,
        configSources: { retries: 'environment' },
      },
    );
    expect(healthConfigOptionsFromEnv({})).toEqual({
      adminKeys: undefined,
      configFile: undefined,
      configFleet: undefined,
    });
  });

  it('reads no template variable: GEMINI_API_KEY, API_KEY, REDIS_URL, DATABASE_URL are not its business', () => {
    const options = healthOptionsFromEnv({
      GEMINI_API_KEY: 'gem-key',
      API_KEY: 'svc-key',
      REDIS_URL: 'redis://:pw@127.0.0.1:6379',
      DATABASE_URL: 'postgres://u:pw@127.0.0.1/test',
    });
    expect(options).toEqual(healthOptionsFromEnv({}));
  });

  it('reads who sees details, the keys that may, and the shutdown delay', () => {
    expect(
      healthOptionsFromEnv({
        HEALTH_DETAILS: 'always',
        HEALTH_DETAILS_KEYS: ` ${DETAILS_1} , ${DETAILS_2} `,
        HEALTH_SHUTDOWN_DELAY_MS: '0',
      }),
    ).toMatchObject({
      details: 'always',
      detailsKeys: [DETAILS_1, DETAILS_2],
      secrets: [DETAILS_1, DETAILS_2],
      shutdownDelayMs: 0,
    });
    expect(() => healthOptionsFromEnv({ HEALTH_DETAILS: 'yes' })).toThrow(
      'Invalid setting HEALTH_DETAILS: "yes" (expected one of never, when-authorized, always)',
    );
    expect(() => healthOptionsFromEnv({ HEALTH_SHUTDOWN_DELAY_MS: '-1' })).toThrow(
      'Invalid setting HEALTH_SHUTDOWN_DELAY_MS: "-1" (expected an integer number of milliseconds from 0 to 2147483647)',
    );
  });

  it('reads the generic HEALTH_CHECK_* variables, per-component timeouts for any name', () => {
    const options = healthOptionsFromEnv({
      APP_VERSION: '3.1.0',
      HEALTH_CHECK_TIMEOUT_MS: '1500',
      HEALTH_CHECK_PAYMENTS_TIMEOUT_MS: '900',
      HEALTH_CHECK_CACHE_TIMEOUT_MS: ' 250 ',
      HEALTH_CHECK_RETRY_COUNT: '0',
      HEALTH_CHECK_RESULT_TTL_MS: '1000',
      HEALTH_CHECK_ENABLED_COMPONENTS: ' payments, cache,,cache ',
      HEALTH_EVALUATION_INTERVAL_MS: '5000',
      HEALTH_TREND_RETENTION_MS: '3600000',
    });
    expect(options).toMatchObject({
      version: '3.1.0',
      defaultTimeoutMs: 1500,
      retries: 0,
      cacheTtlMs: 1000,
      enabledComponents: ['payments', 'cache'],
      components: { payments: { timeoutMs: 900 }, cache: { timeoutMs: 250 } },
      evaluationIntervalMs: 5000,
      trends: { retentionMs: 3_600_000 },
    });
  });

  it('reads per-component thresholds and modes, and names a bad one', () => {
    const options = healthOptionsFromEnv({
      HEALTH_CHECK_DB_DEGRADED_ABOVE_MS: '50',
      HEALTH_CHECK_DB_FAILURES_BEFORE_UNHEALTHY: '3',
      HEALTH_CHECK_DB_SUCCESSES_BEFORE_HEALTHY: '2',
      HEALTH_CHECK_SEARCH_MODE: 'shadow',
      HEALTH_CHECK_LEGACY_ENABLED: 'false',
    });
    expect(options.components).toEqual({
      db: { degradedAboveMs: 50, failuresBeforeUnhealthy: 3, successesBeforeHealthy: 2 },
      search: { mode: 'shadow' },
      legacy: { enabled: false },
    });
    expect(options.configSources).toMatchObject({
      'components.db.degradedAboveMs': 'environment',
      'components.search.mode': 'environment',
    });
    expect(() => healthOptionsFromEnv({ HEALTH_CHECK_DB_MODE: 'dark' })).toThrow(
      'Invalid setting HEALTH_CHECK_DB_MODE: "dark" (expected active or shadow)',
    );
    expect(() => healthOptionsFromEnv({ HEALTH_CHECK_DB_FAILURES_BEFORE_UNHEALTHY: '0' })).toThrow(
      /HEALTH_CHECK_DB_FAILURES_BEFORE_UNHEALTHY: "0"/,
    );
  });

  it('reads the enabled list as a JSON array too, the way the template writes it', () => {
    const enabled = (raw: string) =>
      healthOptionsFromEnv({ HEALTH_CHECK_ENABLED_COMPONENTS: raw }).enabledComponents;
    expect(enabled('["ai_model", "cache", "resilience"]')).toEqual([
      'ai_model',
      'cache',
      'resilience',
    ]);
    expect(enabled('')).toBeUndefined();
  });

  it.each([',,,', '[]', ' , ', '[""]'])('refuses an enabled list with no name in it: %j', (raw) => {
    expect(() => healthOptionsFromEnv({ HEALTH_CHECK_ENABLED_COMPONENTS: raw })).toThrow(
      /HEALTH_CHECK_ENABLED_COMPONENTS: .* \(expected at least one value/,
    );
  });

  it('refuses a malformed JSON list and a name that is not one', () => {
    expect(() => healthOptionsFromEnv({ HEALTH_CHECK_ENABLED_COMPONENTS: '["cache"' })).toThrow(
      /HEALTH_CHECK_ENABLED_COMPONENTS: .* \(expected a JSON array of strings/,
    );
    expect(() => healthOptionsFromEnv({ HEALTH_CHECK_ENABLED_COMPONENTS: '[1, 2]' })).toThrow(
      /expected a JSON array of strings/,
    );
    expect(() => healthOptionsFromEnv({ HEALTH_CHECK_ENABLED_COMPONENTS: 'Cache' })).toThrow(
      'Invalid setting HEALTH_CHECK_ENABLED_COMPONENTS: "Cache" (expected component names matching [a-z0-9_-]{1,64})',
    );
  });

  it('reads no older name of the evaluation interval (the template preset maps its own)', () => {
    expect(
      healthOptionsFromEnv({ HEALTH_TREND_INTERVAL_MS: '0' }).evaluationIntervalMs,
    ).toBeUndefined();
    expect(
      healthOptionsFromEnv({ HEALTH_TREND_INTERVAL_MS: '0', HEALTH_EVALUATION_INTERVAL_MS: '20' })
        .evaluationIntervalMs,
    ).toBe(20);
  });

  it('reads from a ConfigService-like getter (timeouts of listed components) or a function', () => {
    const values: Record<string, unknown> = {
      HEALTH_CHECK_RETRY_COUNT: 3,
      APP_VERSION: null,
      HEALTH_CHECK_CACHE_TIMEOUT_MS: '40',
    };
    const fromGetter = healthOptionsFromEnv(
      { get: (key: string) => values[key] },
      { components: ['cache'] },
    );
    expect(fromGetter).toMatchObject({ retries: 3, components: { cache: { timeoutMs: 40 } } });
    expect(
      healthOptionsFromEnv((key) => (key === 'HEALTH_CHECK_TIMEOUT_MS' ? '10' : undefined))
        .defaultTimeoutMs,
    ).toBe(10);
  });

  it.each([
    ['HEALTH_CHECK_TIMEOUT_MS', '-5', 'from 1 to 2147483647'],
    ['HEALTH_CHECK_TIMEOUT_MS', 'abc', 'from 1 to 2147483647'],
    ['HEALTH_CHECK_TIMEOUT_MS', '0', 'from 1 to 2147483647'],
    ['HEALTH_CHECK_TIMEOUT_MS', '1.5', 'from 1 to 2147483647'],
    ['HEALTH_CHECK_TIMEOUT_MS', '2147483648', 'from 1 to 2147483647'],
    ['HEALTH_CHECK_CACHE_TIMEOUT_MS', '2s', 'from 1 to 2147483647'],
    ['HEALTH_CHECK_RESULT_TTL_MS', 'never', 'from 0 to 2147483647'],
    ['HEALTH_EVALUATION_INTERVAL_MS', '2147483648', 'from 0 to 2147483647'],
    ['HEALTH_SHUTDOWN_DELAY_MS', '99999999999999999999', 'from 0 to 2147483647'],
  ])('refuses %s=%s, naming the variable and the value', (variable, value, range) => {
    const read = () => healthOptionsFromEnv({ [variable]: value });
    expect(read).toThrow(HealthConfigurationError);
    expect(read).toThrow(
      `Invalid setting ${variable}: ${JSON.stringify(value)} (expected an integer number of milliseconds ${range})`,
    );
  });

  it('refuses a retry count below 0', () => {
    expect(() => healthOptionsFromEnv({ HEALTH_CHECK_RETRY_COUNT: '-1' })).toThrow(
      'Invalid setting HEALTH_CHECK_RETRY_COUNT: "-1" (expected an integer >= 0)',
    );
  });
});

describe('HEALTH_CHECK_<NAME>_* variables: unknown components and malformed names', () => {
  const VALUE = 'value-never-shown-7f3a';
  const SETTINGS = [
    '_TIMEOUT_MS',
    '_DEGRADED_ABOVE_MS',
    '_FAILURES_BEFORE_UNHEALTHY',
    '_SUCCESSES_BEFORE_HEALTHY',
    '_MODE',
    '_ENABLED',
  ];

  /** Runs `body` with these variables in process.env, restoring it after. */
  function withProcessEnv<T>(variables: Record<string, string>, body: () => T): T {
    const saved = { ...process.env };
    Object.assign(process.env, variables);
    try {
      return body();
    } finally {
      for (const key of Object.keys(variables)) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
    }
  }

  it('with a components list, reads only those and lists the variables naming others as unread', () => {
    const options = healthOptionsFromEnv(
      {
        HEALTH_CHECK_PAYMENTS_TIMEOUT_MS: '900',
        HEALTH_CHECK_PAYMNETS_TIMEOUT_MS: '901',
        HEALTH_CHECK_SEARCH_MODE: 'dark',
        HEALTH_CHECK_AI_MODEL_PROBE_TTL_MS: '5',
      },
      { components: ['payments', 'cache'] },
    );
    expect(options.components).toEqual({ payments: { timeoutMs: 900 } });
    // Not read, so a bad value of an unknown component stops nothing.
    expect(options.unreadVariables).toEqual([
      'HEALTH_CHECK_PAYMNETS_TIMEOUT_MS',
      'HEALTH_CHECK_SEARCH_MODE',
    ]);
  });

  it('without a list, reads every component a variable names, and lists none as unread', () => {
    const options = healthOptionsFromEnv({ HEALTH_CHECK_PAYMNETS_TIMEOUT_MS: '901' });
    expect(options.components).toEqual({ paymnets: { timeoutMs: 901 } });
    expect(options.unreadVariables).toBeUndefined();
  });

  it("finds a ConfigService's or a function's variables in process.env, and reads them through it", () => {
    const config = { get: (key: string) => process.env[key] };
    withProcessEnv(
      { HEALTH_CHECK_PAYMENTS_TIMEOUT_MS: '900', HEALTH_CHECK_PAYMNETS_MODE: 'shadow' },
      () => {
        expect(healthOptionsFromEnv(config).components).toEqual({
          payments: { timeoutMs: 900 },
          paymnets: { mode: 'shadow' },
        });
        const listed = healthOptionsFromEnv((key) => process.env[key], {
          components: ['payments'],
        });
        expect(listed.components).toEqual({ payments: { timeoutMs: 900 } });
        expect(listed.unreadVariables).toEqual(['HEALTH_CHECK_PAYMNETS_MODE']);
      },
    );
  });

  it.each([
    'HEALTH_CHECK_Payments_TIMEOUT_MS',
    'HEALTH_CHECK_payments_MODE',
    'HEALTH_CHECK___PROTO___ENABLED',
    'HEALTH_CHECK_CONSTRUCTOR_TIMEOUT_MS',
    'HEALTH_CHECK__TIMEOUT_MS',
    'HEALTH_CHECK_PAY MENTS_TIMEOUT_MS',
    'HEALTH_CHECK_PAYMENTS.V2_TIMEOUT_MS',
    `HEALTH_CHECK_${'A'.repeat(65)}_TIMEOUT_MS`,
  ])('refuses %s, naming the variable, never its value (with or without a list)', (variable) => {
    for (const options of [{}, { components: ['payments'] }]) {
      const error = thrown(() => healthOptionsFromEnv({ [variable]: VALUE }, options));
      expect(error).toBeInstanceOf(HealthConfigurationError);
      const message = (error as Error).message;
      expect(message).toContain('(expected <NAME> a component name in capitals');
      expect(message).toContain(JSON.stringify(variable).slice(0, 60));
      expect(message).not.toContain(VALUE);
    }
  });

  it('refuses a malformed name in process.env too when reading a ConfigService', () => {
    withProcessEnv({ HEALTH_CHECK_Payments_TIMEOUT_MS: VALUE }, () => {
      expect(() => healthOptionsFromEnv({ get: () => undefined })).toThrow(
        /^Invalid setting HEALTH_CHECK_<NAME>_TIMEOUT_MS: "HEALTH_CHECK_Payments_TIMEOUT_MS" \(expected/,
      );
    });
  });

  it('shows a huge variable name cut, on one line', () => {
    const variable = `HEALTH_CHECK_${'\n'.repeat(200_000)}_MODE`;
    const message = (thrown(() => healthOptionsFromEnv({ [variable]: VALUE })) as Error).message;
    expect(message.length).toBeLessThan(400);
    expect(message).not.toContain('\n');
  });

  it('refuses a components list naming no component, naming the entry', () => {
    expect(() => healthOptionsFromEnv({}, { components: ['payments', 'Payments'] })).toThrow(
      /^Invalid setting components\[1\]: "Payments" \(expected a component name/,
    );
  });

  it('reads the module-wide HEALTH_CHECK_* variables as no component (they overlap prefix and suffix)', () => {
    for (const variable of [
      'HEALTH_CHECK_TIMEOUT_MS',
      'HEALTH_CHECK_MODE',
      'HEALTH_CHECK_ENABLED',
      'HEALTH_CHECK_RETRY_COUNT',
      'HEALTH_CHECK_ENABLED_COMPONENTS',
      'HEALTH_CHECK_AI_MODEL_PROBE',
      'OTHER_PAYMENTS_TIMEOUT_MS',
    ]) {
      expect([variable, componentOfVariable(variable)]).toEqual([variable, undefined]);
    }
  });

  const componentName = fc
    .stringMatching(/^[a-z0-9_-]{1,64}$/)
    .filter((name) => !['__proto__', 'constructor', 'prototype'].includes(name));

  it('for any component name and setting, the variable names that component', () => {
    fc.assert(
      fc.property(componentName, fc.constantFrom(...SETTINGS), (name, setting) => {
        expect(componentOfVariable(`HEALTH_CHECK_${name.toUpperCase()}${setting}`)).toBe(name);
      }),
    );
  });

  it('for any variable name: no component, a component name, or a refusal naming the variable', () => {
    const variable = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 120 }),
      fc
        .tuple(fc.string({ unit: 'binary', maxLength: 80 }), fc.constantFrom(...SETTINGS))
        .map(([name, setting]) => `HEALTH_CHECK_${name}${setting}`),
      fc
        .tuple(componentName, fc.constantFrom(...SETTINGS))
        .map(([name, setting]) => `HEALTH_CHECK_${name}${setting}`),
    );
    fc.assert(
      fc.property(variable, (key) => {
        const error = thrown(() => componentOfVariable(key));
        if (error === undefined) {
          const name = componentOfVariable(key);
          expect(
            name === undefined || (isComponentName(name) && key.includes(name.toUpperCase())),
          ).toBe(true);
        } else {
          expect(error).toBeInstanceOf(HealthConfigurationError);
          expect(error).toMatchObject({ value: key });
          expect((error as Error).message).toMatch(
            /^Invalid setting HEALTH_CHECK_<NAME>_[A-Z_]+: /,
          );
        }
      }),
    );
  });

  it('for any environment and list: a malformed name refused without its value, an unknown component never read', () => {
    const key = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc
        .tuple(
          fc.oneof(
            componentName.map((n) => n.toUpperCase()),
            fc.string({ maxLength: 10 }),
          ),
          fc.constantFrom(...SETTINGS),
        )
        .map(([name, setting]) => `HEALTH_CHECK_${name}${setting}`),
    );
    const env = fc.dictionary(key, fc.constant(VALUE), { maxKeys: 8 });
    const listed = fc.option(fc.array(componentName, { maxLength: 3 }), { nil: undefined });
    fc.assert(
      fc.property(env, listed, (variables, components) => {
        const error = thrown(() => healthOptionsFromEnv(variables, { components }));
        if (error !== undefined) {
          expect(error).toBeInstanceOf(HealthConfigurationError);
          const { setting } = error as HealthConfigurationError;
          if (setting.startsWith('HEALTH_CHECK_<NAME>')) {
            expect((error as Error).message).not.toContain(VALUE);
          } else {
            // A bad value (shown, as for every variable read) of a component that is read.
            const name = componentOfVariable(setting) as string;
            expect(components === undefined || components.includes(name)).toBe(true);
          }
          return;
        }
        const options = healthOptionsFromEnv(variables, { components });
        for (const unread of options.unreadVariables ?? []) {
          expect(Object.keys(variables)).toContain(unread);
          expect(components?.includes(componentOfVariable(unread) as string)).toBe(false);
        }
        for (const name of Object.keys(options.components ?? {})) {
          expect(components === undefined || components.includes(name)).toBe(true);
        }
      }),
    );
  });
});

describe('the keys: HEALTH_DETAILS_KEYS and HEALTH_ADMIN_KEYS', () => {
  it('reads them as comma lists or JSON arrays, trimmed, and adds them to the secrets', () => {
    const env = {
      HEALTH_DETAILS_KEYS: `["${DETAILS_1}", " ${DETAILS_2} "]`,
      HEALTH_ADMIN_KEYS: ` ${ADMIN} ,`,
    };
    expect(healthOptionsFromEnv(env)).toMatchObject({
      detailsKeys: [DETAILS_1, DETAILS_2],
      secrets: [DETAILS_1, DETAILS_2, ADMIN],
    });
    expect(healthConfigOptionsFromEnv(env).adminKeys).toEqual([ADMIN]);
  });

  it.each(SECRET_VARIABLES)('takes %s unset or empty as unset', (variable) => {
    const read = (value: string | undefined): Record<string, unknown> =>
      readerOf(variable)({ [variable]: value }) as Record<string, unknown>;
    const option = variable === 'HEALTH_ADMIN_KEYS' ? 'adminKeys' : 'detailsKeys';
    expect(read('')[option]).toBeUndefined();
    expect(read(undefined)[option]).toBeUndefined();
  });

  it.each(
    SECRET_VARIABLES.flatMap((variable) =>
      ['a', 'admin', 'admin-key-1', 'has a space in the key', `${ADMIN},short`].map(
        (value) => [variable, value] as const,
      ),
    ),
  )('refuses a weak key in %s (%j), naming the variable, never the value', (variable, value) => {
    const error = thrown(() => readerOf(variable)({ [variable]: value }));
    expect(error).toBeInstanceOf(HealthConfigurationError);
    expect((error as Error).message).toBe(
      `Invalid setting ${variable}: "***" (expected a secret of at least 16 characters: letters, digits, - . _ ~ + / (then optional =))`,
    );
  });

  it.each(
    SECRET_VARIABLES.flatMap((variable) =>
      [' ', '\t', ' , ', ',', ',,,', '[]', '[" "]'].map((value) => [variable, value] as const),
    ),
  )('refuses %s set but blank (%j): a blank secret is not "unset"', (variable, value) => {
    expect(() => readerOf(variable)({ [variable]: value })).toThrow(
      `Invalid setting ${variable}: "***" (expected one or more secrets, not a blank value (leave it unset or empty for none))`,
    );
  });

  it('refuses a malformed JSON list without quoting it', () => {
    expect(() => healthConfigOptionsFromEnv({ HEALTH_ADMIN_KEYS: `["${ADMIN}"` })).toThrow(
      'Invalid setting HEALTH_ADMIN_KEYS: "***" (expected a JSON array of strings or comma-separated values)',
    );
  });

  it('refuses an admin key that is also a details key, naming both variables, never the key', () => {
    const error = thrown(() =>
      healthConfigOptionsFromEnv({
        HEALTH_DETAILS_KEYS: `${DETAILS_1},${ADMIN}`,
        HEALTH_ADMIN_KEYS: ADMIN,
      }),
    );
    expect((error as Error).message).toBe(
      'Invalid setting HEALTH_ADMIN_KEYS: "***" (expected keys other than those of HEALTH_DETAILS_KEYS: an admin key may not be a details key)',
    );
  });

  it('for any value, either keys that follow the rule or a refusal that shows nothing', () => {
    const value = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc
        .array(fc.oneof(fc.constant(ADMIN), fc.string()), { maxLength: 4 })
        .map((keys) => keys.join(',')),
      fc
        .array(fc.oneof(fc.constant(ADMIN), fc.string()), { maxLength: 4 })
        .map((keys) => JSON.stringify(keys)),
    );
    fc.assert(
      fc.property(value, (raw) => {
        const error = thrown(() => envSecretList('V', raw));
        if (error === undefined) {
          const keys = envSecretList('V', raw);
          expect(raw === '' ? keys === undefined : keys!.every(isAccessSecret)).toBe(true);
        } else {
          expect(error).toBeInstanceOf(HealthConfigurationError);
          expect(error).toMatchObject({ setting: 'V', value: '***' });
          expect((error as Error).message).toMatch(
            /^Invalid setting V: "\*\*\*" \(expected [^"]*\)$/,
          );
        }
      }),
    );
  });
});

describe('envList', () => {
  it('reads comma-separated values and JSON arrays, trimmed and de-duplicated', () => {
    expect(envList('X', 'a, b ,a')).toEqual(['a', 'b']);
    expect(envList('X', '["a", " b "]')).toEqual(['a', 'b']);
    expect(envList('X', undefined)).toBeUndefined();
  });
});

describe('healthWebhookOptionsFromEnv', () => {
  it('reads the webhook variables', () => {
    const options = healthWebhookOptionsFromEnv({
      HEALTH_WEBHOOK_URLS: ' https://a.test/hook , http://127.0.0.1:9/x ',
      HEALTH_WEBHOOK_SECRET: 'whsec-123',
      HEALTH_WEBHOOK_INCLUDE_DETAILS: 'TRUE',
      HEALTH_WEBHOOK_QUEUE_SIZE: '10',
      HEALTH_WEBHOOK_MAX_ATTEMPTS: '3',
      HEALTH_WEBHOOK_TIMEOUT_MS: '250',
      HEALTH_WEBHOOK_MIN_CONSECUTIVE: '1',
      HEALTH_WEBHOOK_COOLDOWN_MS: '0',
      HEALTH_WEBHOOK_DEDUP: 'redis',
      HEALTH_WEBHOOK_REDIS_URL: 'redis://127.0.0.1:6390',
      HEALTH_SERVICE_NAME: 'billing',
    });
    expect(options).toEqual({
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
    expect(healthWebhookOptionsFromEnv({}).urls).toEqual([]);
  });

  it.each([
    [
      { HEALTH_WEBHOOK_URLS: 'not a url', HEALTH_WEBHOOK_SECRET: 's' },
      'HEALTH_WEBHOOK_URLS: "not a url"',
    ],
    [
      { HEALTH_WEBHOOK_URLS: 'https://u:hunter22@a.test/x', HEALTH_WEBHOOK_SECRET: 's' },
      'HEALTH_WEBHOOK_URLS: "https://u:***@a.test/x" (expected URLs without user or password (fetch refuses them; put a token in the path or query))',
    ],
    [{ HEALTH_WEBHOOK_URLS: 'https://a.test/x' }, 'HEALTH_WEBHOOK_SECRET: ""'],
    [{ HEALTH_WEBHOOK_DEDUP: 'etcd' }, 'HEALTH_WEBHOOK_DEDUP: "etcd"'],
    [
      { HEALTH_WEBHOOK_DEDUP: 'redis' },
      'HEALTH_WEBHOOK_REDIS_URL: "" (expected a Redis URL when HEALTH_WEBHOOK_DEDUP=redis)',
    ],
    [{ HEALTH_WEBHOOK_INCLUDE_DETAILS: 'yes' }, 'HEALTH_WEBHOOK_INCLUDE_DETAILS: "yes"'],
    [{ HEALTH_WEBHOOK_QUEUE_SIZE: '0' }, 'HEALTH_WEBHOOK_QUEUE_SIZE: "0"'],
    [{ HEALTH_WEBHOOK_COOLDOWN_MS: '2147483648' }, 'HEALTH_WEBHOOK_COOLDOWN_MS: "2147483648"'],
    [{ HEALTH_SERVICE_NAME: 'My API' }, 'HEALTH_SERVICE_NAME: "My API"'],
  ])('refuses %j, naming the variable', (env, message) => {
    expect(() => healthWebhookOptionsFromEnv(env)).toThrow(`Invalid setting ${message}`);
  });
});
