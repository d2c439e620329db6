import { HealthConfigurationError } from './core/errors';
import type { HealthCheckOptions } from './core/health-check';
import type { DetailsVisibility, HealthModuleOptions, WebhookOptions } from './health.options';
import {
  BUILT_IN_COMPONENTS,
  DETAILS_VISIBILITY,
  HEALTH_DEFAULTS,
  isHttpUrl,
  WEBHOOK_DEDUP,
} from './health.options';

/** Where variables are read from: `process.env`, a `ConfigService`, or any getter. */
export type HealthEnv =
  | Readonly<Record<string, string | undefined>>
  | { get(key: string): unknown }
  | ((key: string) => string | undefined);

/**
 * Module options from the environment variables operators already use
 * (`HEALTH_CHECK_TIMEOUT_MS`, `HEALTH_CHECK_<COMPONENT>_TIMEOUT_MS`, `HEALTH_CHECK_RETRY_COUNT`,
 * `HEALTH_CHECK_ENABLED_COMPONENTS`, `HEALTH_CHECK_RESULT_TTL_MS`, `APP_VERSION`, `GEMINI_API_KEY`).
 * Also `HEALTH_DETAILS`, `HEALTH_SHUTDOWN_DELAY_MS` and `API_KEY` (who is authorized).
 * Unset or empty variables keep their defaults.
 * A bad value throws a `HealthConfigurationError` naming the variable and the value.
 */
export function healthOptionsFromEnv(env: HealthEnv): HealthModuleOptions {
  const read = reader(env);
  const components: Record<string, HealthCheckOptions> = {};
  for (const name of BUILT_IN_COMPONENTS) {
    const variable = `HEALTH_CHECK_${name.toUpperCase()}_TIMEOUT_MS`;
    const timeoutMs = integer(variable, read(variable), 1);
    if (timeoutMs !== undefined) components[name] = { timeoutMs };
  }
  const aiKey = read('GEMINI_API_KEY');
  return {
    version: read('APP_VERSION') || HEALTH_DEFAULTS.version,
    defaultTimeoutMs: integer('HEALTH_CHECK_TIMEOUT_MS', read('HEALTH_CHECK_TIMEOUT_MS'), 1),
    retries: integer('HEALTH_CHECK_RETRY_COUNT', read('HEALTH_CHECK_RETRY_COUNT'), 0),
    cacheTtlMs: integer('HEALTH_CHECK_RESULT_TTL_MS', read('HEALTH_CHECK_RESULT_TTL_MS'), 0),
    enabledComponents:
      componentList('HEALTH_CHECK_ENABLED_COMPONENTS', read('HEALTH_CHECK_ENABLED_COMPONENTS')) ??
      defaultEnabled(Boolean(read('DATABASE_URL'))),
    components,
    secrets: [
      aiKey,
      read('API_KEY'),
      read('HEALTH_WEBHOOK_SECRET'),
      ...urlPasswords(read('REDIS_URL'), read('DATABASE_URL')),
    ],
    legacy: { aiModelConfigured: Boolean(aiKey) },
    details: detailsVisibility(read('HEALTH_DETAILS')),
    apiKeys: [read('API_KEY')],
    shutdownDelayMs: integer('HEALTH_SHUTDOWN_DELAY_MS', read('HEALTH_SHUTDOWN_DELAY_MS'), 0),
    trends: {
      intervalMs: integer('HEALTH_TREND_INTERVAL_MS', read('HEALTH_TREND_INTERVAL_MS'), 0),
      retentionMs: integer('HEALTH_TREND_RETENTION_MS', read('HEALTH_TREND_RETENTION_MS'), 1),
    },
    webhooks: webhooksFromEnv(read),
  };
}

function reader(env: HealthEnv): (key: string) => string | undefined {
  const get =
    typeof env === 'function'
      ? env
      : typeof env.get === 'function'
        ? (key: string) => (env as { get(key: string): unknown }).get(key)
        : (key: string) => (env as Record<string, unknown>)[key];
  return (key) => {
    const value = get(key);
    if (value === undefined || value === null) return undefined;
    return String(value).trim();
  };
}

function integer(variable: string, raw: string | undefined, min: number): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const value = /^-?\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < min) {
    throw new HealthConfigurationError(variable, raw, `an integer >= ${min}`);
  }
  return value;
}

/** The contract's default, `ai_model,cache,resilience`, plus `database` when `DATABASE_URL` is set. */
export function defaultEnabled(databaseConfigured: boolean): string[] {
  return [...DEFAULT_ENABLED_COMPONENTS, ...(databaseConfigured ? ['database'] : [])];
}

export const DEFAULT_ENABLED_COMPONENTS = ['ai_model', 'cache', 'resilience'] as const;

/** The names listed, or undefined when the variable is unset or empty (then the default holds). */
function webhooksFromEnv(read: (key: string) => string | undefined): WebhookOptions {
  const dedup = read('HEALTH_WEBHOOK_DEDUP') || undefined;
  if (dedup !== undefined && !(WEBHOOK_DEDUP as readonly string[]).includes(dedup)) {
    throw new HealthConfigurationError(
      'HEALTH_WEBHOOK_DEDUP',
      dedup,
      `one of ${WEBHOOK_DEDUP.join(', ')}`,
    );
  }
  const urls = (read('HEALTH_WEBHOOK_URLS') ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  for (const url of urls) {
    if (!isHttpUrl(url)) {
      throw new HealthConfigurationError(
        'HEALTH_WEBHOOK_URLS',
        url,
        'comma-separated http(s) URLs',
      );
    }
  }
  const secret = read('HEALTH_WEBHOOK_SECRET') || undefined;
  if (urls.length > 0 && !secret) {
    throw new HealthConfigurationError(
      'HEALTH_WEBHOOK_SECRET',
      '',
      'a signing secret when HEALTH_WEBHOOK_URLS is set',
    );
  }
  const redisUrl = read('REDIS_URL') || undefined;
  if (dedup === 'redis' && !redisUrl) {
    throw new HealthConfigurationError(
      'REDIS_URL',
      '',
      'a Redis URL when HEALTH_WEBHOOK_DEDUP=redis',
    );
  }
  const flag = read('HEALTH_WEBHOOK_INCLUDE_DETAILS');
  if (flag && !/^(true|false)$/i.test(flag)) {
    throw new HealthConfigurationError('HEALTH_WEBHOOK_INCLUDE_DETAILS', flag, 'true or false');
  }
  return {
    urls,
    secret,
    includeDetails: flag ? /^true$/i.test(flag) : undefined,
    queueSize: integer('HEALTH_WEBHOOK_QUEUE_SIZE', read('HEALTH_WEBHOOK_QUEUE_SIZE'), 1),
    maxAttempts: integer('HEALTH_WEBHOOK_MAX_ATTEMPTS', read('HEALTH_WEBHOOK_MAX_ATTEMPTS'), 1),
    attemptTimeoutMs: integer('HEALTH_WEBHOOK_TIMEOUT_MS', read('HEALTH_WEBHOOK_TIMEOUT_MS'), 1),
    minConsecutive: integer(
      'HEALTH_WEBHOOK_MIN_CONSECUTIVE',
      read('HEALTH_WEBHOOK_MIN_CONSECUTIVE'),
      1,
    ),
    cooldownMs: integer('HEALTH_WEBHOOK_COOLDOWN_MS', read('HEALTH_WEBHOOK_COOLDOWN_MS'), 0),
    dedup: dedup as WebhookOptions['dedup'],
    redisUrl,
    serviceName: read('HEALTH_SERVICE_NAME') || undefined,
  };
}

function detailsVisibility(raw: string | undefined): DetailsVisibility | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!(DETAILS_VISIBILITY as readonly string[]).includes(raw)) {
    throw new HealthConfigurationError(
      'HEALTH_DETAILS',
      raw,
      `one of ${DETAILS_VISIBILITY.join(', ')}`,
    );
  }
  return raw as DetailsVisibility;
}

function componentList(variable: string, raw: string | undefined): string[] | undefined {
  if (raw === undefined || raw === '') return undefined;
  const names = raw
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  for (const name of names) {
    if (!(BUILT_IN_COMPONENTS as readonly string[]).includes(name)) {
      throw new HealthConfigurationError(
        variable,
        name,
        `a comma-separated list of ${BUILT_IN_COMPONENTS.join(', ')}`,
      );
    }
  }
  return [...new Set(names)];
}

function urlPasswords(...urls: (string | undefined)[]): string[] {
  const passwords: string[] = [];
  for (const url of urls) {
    if (!url) continue;
    try {
      const { password } = new URL(url);
      if (password) passwords.push(password, decodeURIComponent(password));
    } catch {
      // Not a URL: nothing to extract; the redactor still masks credentials in URL-like text.
    }
  }
  return passwords;
}
