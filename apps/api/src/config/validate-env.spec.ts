import { readBoolean, readRatio, readString } from './app.config';
import { EnvironmentError, validateEnvironment } from './validate-env';

describe('validateEnvironment', () => {
  it('returns the port when every setting is valid', () => {
    expect(validateEnvironment({})).toBe(8000);
    expect(validateEnvironment({ PORT: '3000', HEALTH_CHECK_AI_MODEL_PROBE: 'yes' })).toBe(3000);
  });

  it.each([
    ['HEALTH_CHECK_TIMEOUT_MS', 'abc'],
    ['AI_REQUEST_TIMEOUT_MS', '-1'],
    ['HEALTH_RUNTIME_EVENT_LOOP_DELAY_UNHEALTHY_MS', '1.5'],
    ['REDIS_COMMAND_TIMEOUT_MS', 'soon'],
    ['PORT', '70000'],
  ])('stops at a bad %s, naming it', (variable, value) => {
    expect(() => validateEnvironment({ [variable]: value })).toThrow(
      `Invalid setting ${variable}: "${value}"`,
    );
  });

  it('reports every bad setting at once, one line each, naming each variable', () => {
    const bad = {
      HEALTH_CHECK_TIMEOUT_MS: 'abc',
      HEALTH_CHECK_RETRY_COUNT: '-1',
      AI_REQUEST_TIMEOUT_MS: '2147483648',
      HEALTH_WEBHOOK_URLS: 'https://user:hunter22@hooks.test/x',
      HEALTH_WEBHOOK_SECRET: 's',
      PORT: 'eighty',
      LOG_FORMAT: 'xml',
    };
    let error: unknown;
    try {
      validateEnvironment(bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EnvironmentError);
    const problems = (error as EnvironmentError).problems;
    expect(problems.map((p) => /^Invalid setting (\w+):/.exec(p)?.[1]).sort()).toEqual([
      'AI_REQUEST_TIMEOUT_MS',
      'HEALTH_CHECK_RETRY_COUNT',
      'HEALTH_CHECK_TIMEOUT_MS',
      'HEALTH_WEBHOOK_URLS',
      'LOG_FORMAT',
      'PORT',
    ]);
    expect((error as Error).message).not.toContain('hunter22');
    expect((error as Error).message.split('\n')).toHaveLength(6);
  });

  it('reports a bad resilience preset with the other bad settings, one line each (issue 27)', () => {
    let error: unknown;
    try {
      validateEnvironment({
        RESILIENCE_PRESET: 'fast',
        RESILIENCE_CUSTOM_CONFIG: '{"retry_attempts": 0}',
        QA_RESILIENCE_STRATEGY: 'never',
        HEALTH_CHECK_TIMEOUT_MS: 'abc',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EnvironmentError);
    expect((error as EnvironmentError).problems).toEqual([
      expect.stringMatching(/^Invalid setting HEALTH_CHECK_TIMEOUT_MS: "abc"/),
      'Invalid setting RESILIENCE_PRESET: "fast" (expected one of simple, development, production)',
      `Invalid setting RESILIENCE_CUSTOM_CONFIG: ${JSON.stringify('{"retry_attempts": 0}')} (expected retry_attempts: an integer from 1 to 10)`,
      'Invalid setting QA_RESILIENCE_STRATEGY: "never" (expected one of aggressive, balanced, conservative, critical)',
    ]);
  });

  it('goes on past a variable that must be set and is not, to report the rest', () => {
    let error: unknown;
    try {
      validateEnvironment({
        HEALTH_WEBHOOK_URLS: 'https://hooks.test/x',
        HEALTH_WEBHOOK_QUEUE_SIZE: 'abc',
        HEALTH_WEBHOOK_COOLDOWN_MS: '-5',
      });
    } catch (e) {
      error = e;
    }
    const problems = (error as EnvironmentError).problems;
    expect(problems.map((p) => /^Invalid setting (\w+):/.exec(p)?.[1]).sort()).toEqual([
      'HEALTH_WEBHOOK_COOLDOWN_MS',
      'HEALTH_WEBHOOK_QUEUE_SIZE',
      'HEALTH_WEBHOOK_SECRET',
    ]);
  });

  it('names the variable behind a rule the library checks under an option name', () => {
    expect(() =>
      validateEnvironment({
        HEALTH_EVALUATION_INTERVAL_MS: '1000',
        HEALTH_TREND_RETENTION_MS: '500',
      }),
    ).toThrow(
      'Invalid setting HEALTH_TREND_RETENTION_MS: 500 (expected at least HEALTH_EVALUATION_INTERVAL_MS (1000))',
    );
    expect(() => validateEnvironment({ GEMINI_BASE_URL: 'http://127.0.0.1:1/?key=x' })).toThrow(
      /^Invalid setting GEMINI_BASE_URL: /,
    );
    expect(() =>
      validateEnvironment({
        HEALTH_CHECK_ENABLED_COMPONENTS: 'runtime',
        HEALTH_RUNTIME_EVENT_LOOP_DELAY_DEGRADED_MS: '600',
      }),
    ).toThrow(
      /^Invalid setting HEALTH_RUNTIME_EVENT_LOOP_DELAY_DEGRADED_MS: 600 \(expected a value <= HEALTH_RUNTIME_EVENT_LOOP_DELAY_UNHEALTHY_MS/,
    );
  });

  it('reads HEALTH_CONFIG_FILE before Nest starts, naming it when it is missing or bad', () => {
    expect(() => validateEnvironment({ HEALTH_CONFIG_FILE: '/nonexistent/health.json' })).toThrow(
      /^Invalid setting HEALTH_CONFIG_FILE: "\/nonexistent\/health\.json" \(expected a readable JSON or YAML configuration file \(ENOENT/,
    );
  });

  it('takes PostgreSQL URLs only for DATABASE_URL, and needs one when database is enabled', () => {
    expect(validateEnvironment({ DATABASE_URL: 'postgresql://u@127.0.0.1/test' })).toBe(8000);
    expect(() => validateEnvironment({ DATABASE_URL: 'mysql://u:pw-123@127.0.0.1/test' })).toThrow(
      'Invalid setting DATABASE_URL: "mysql://u:***@127.0.0.1/test" (expected a PostgreSQL URL (postgres:// or postgresql://))',
    );
    expect(() => validateEnvironment({ DATABASE_URL: 'not a url' })).toThrow(/DATABASE_URL/);
    expect(() =>
      validateEnvironment({ HEALTH_CHECK_ENABLED_COMPONENTS: 'cache,database' }),
    ).toThrow(
      'Invalid setting DATABASE_URL: "" (expected a PostgreSQL URL when HEALTH_CHECK_ENABLED_COMPONENTS lists database)',
    );
  });

  describe('the secrets that grant access', () => {
    const ADMIN = 'admin-key-5c2e9b71f0a4';
    const RULE =
      'expected a secret of at least 16 characters: letters, digits, - . _ ~ + / (then optional =)';
    const BLANK =
      'expected one or more secrets, not a blank value (leave it unset or empty for none)';

    /** The lines of the startup error, or [] when the settings pass. */
    function problems(env: Record<string, string>): readonly string[] {
      try {
        validateEnvironment(env);
        return [];
      } catch (error) {
        expect(error).toBeInstanceOf(EnvironmentError);
        return (error as EnvironmentError).problems;
      }
    }

    it.each([
      [{ HEALTH_ADMIN_KEYS: 'a' }, `Invalid setting HEALTH_ADMIN_KEYS: "***" (${RULE})`],
      [{ HEALTH_DETAILS_KEYS: 'ops-key' }, `Invalid setting HEALTH_DETAILS_KEYS: "***" (${RULE})`],
      [
        { HEALTH_METRICS_TOKEN: 'short-token' },
        `Invalid setting HEALTH_METRICS_TOKEN: "***" (${RULE})`,
      ],
      [{ HEALTH_METRICS_TOKEN: ' ' }, `Invalid setting HEALTH_METRICS_TOKEN: "***" (${BLANK})`],
      [{ HEALTH_ADMIN_KEYS: ' , ' }, `Invalid setting HEALTH_ADMIN_KEYS: "***" (${BLANK})`],
      [{ HEALTH_DETAILS_KEYS: '\t' }, `Invalid setting HEALTH_DETAILS_KEYS: "***" (${BLANK})`],
      [
        { HEALTH_ADMIN_KEYS: ADMIN, API_KEY: ADMIN },
        'Invalid setting HEALTH_ADMIN_KEYS: "***" (expected keys other than those of API_KEY: an admin key may not be a details key)',
      ],
      [
        { HEALTH_ADMIN_KEYS: ADMIN, API_KEY: 'svc-key', ADDITIONAL_API_KEYS: `k1,${ADMIN}` },
        'Invalid setting HEALTH_ADMIN_KEYS: "***" (expected keys other than those of ADDITIONAL_API_KEYS: an admin key may not be a details key)',
      ],
      [
        { HEALTH_ADMIN_KEYS: ADMIN, HEALTH_DETAILS_KEYS: ADMIN },
        'Invalid setting HEALTH_ADMIN_KEYS: "***" (expected keys other than those of HEALTH_DETAILS_KEYS: an admin key may not be a details key)',
      ],
    ])('stops startup on %j with one line naming the variable, never the value', (env, line) => {
      expect(problems(env)).toEqual([line]);
    });

    it('reports a weak key beside every other bad setting, at once', () => {
      const found = problems({
        HEALTH_ADMIN_KEYS: 'a',
        HEALTH_METRICS_TOKEN: ' ',
        HEALTH_CHECK_TIMEOUT_MS: 'abc',
      });
      expect(found.map((p) => /^Invalid setting (\w+):/.exec(p)?.[1]).sort()).toEqual([
        'HEALTH_ADMIN_KEYS',
        'HEALTH_CHECK_TIMEOUT_MS',
        'HEALTH_METRICS_TOKEN',
      ]);
    });

    it("keeps the template's own rule for API_KEY and ADDITIONAL_API_KEYS, and '' as unset", () => {
      expect(
        problems({
          API_KEY: 'test-api-key-12345',
          ADDITIONAL_API_KEYS: 'key1,key2,key3',
          HEALTH_ADMIN_KEYS: ADMIN,
          HEALTH_DETAILS_KEYS: '',
          HEALTH_METRICS_TOKEN: '',
        }),
      ).toEqual([]);
    });
  });

  // Lost in d7ffd30 (HealthConfigModule refused it later, with a stack trace), back since 0342fb9.
  it('stops startup on a HEALTH_CONFIG_REDIS_URL that is not redis://, naming it, never the password', () => {
    let error: unknown;
    try {
      validateEnvironment({ HEALTH_CONFIG_REDIS_URL: 'http://u:fleet-pw-1234@h:1' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(EnvironmentError);
    expect((error as EnvironmentError).problems).toEqual([
      'Invalid setting HEALTH_CONFIG_REDIS_URL: "http://h:1" (expected a redis:// or rediss:// URL)',
    ]);
  });

  it('masks credentials in a bad URL it shows', () => {
    expect(() => validateEnvironment({ GEMINI_BASE_URL: 'ftp://user:hunter2@x' })).toThrow(
      'Invalid setting GEMINI_BASE_URL: "ftp://user:***@x"',
    );
  });
});

describe('config readers', () => {
  it('reads strings from a record or a getter, blank as unset', () => {
    expect(readString({ A: ' x ' }, 'A')).toBe('x');
    expect(readString({ A: '  ' }, 'A')).toBeUndefined();
    expect(readString({ get: (k: string) => (k === 'A' ? 5 : null) }, 'A')).toBe('5');
    expect(readString({ get: () => null }, 'A')).toBeUndefined();
  });

  it.each([
    ['true', true],
    ['YES', true],
    ['1', true],
    ['false', false],
    ['No', false],
    ['0', false],
  ])('reads boolean %s', (raw, value) => {
    expect(readBoolean({ B: raw }, 'B', !value)).toBe(value);
  });

  it('reads ratios in (0, 1]', () => {
    expect(readRatio({}, 'R', 0.5)).toBe(0.5);
    expect(readRatio({ R: '1' }, 'R', 0.5)).toBe(1);
    expect(readRatio({ R: '.25' }, 'R', 0.5)).toBe(0.25);
    for (const bad of ['0', '1.01', '-0.5', 'half']) {
      expect(() => readRatio({ R: bad }, 'R', 0.5)).toThrow(`Invalid setting R: "${bad}"`);
    }
  });
});
