import type { HealthIndicator, HealthModuleOptions, HealthRequest } from '@nest-health/core';
import { HealthConfigurationError, healthOptionsFromEnv } from '@nest-health/core';
import type { HealthConfigModuleOptions } from '@nest-health/core/config';
import { healthConfigOptionsFromEnv } from '@nest-health/core/config';
import type { HealthMetricsRuntimeOptions } from '@nest-health/core/metrics';
import { healthMetricsOptionsFromEnv } from '@nest-health/core/metrics';
import type { WebhookOptions } from '@nest-health/core/webhooks';
import { healthWebhookOptionsFromEnv } from '@nest-health/core/webhooks';
import { apiKeysFromEnv } from '../auth/auth.config';
import { keyMatches } from '../auth/key-match';
import { legacyContract } from './legacy-contract';
import { redisSecretsFromEnv, redisSettingsFromEnv } from '../cache/redis.config';
import type { EnvSource } from '../config/app.config';
import { readString } from '../config/app.config';
import { logFormatFromEnv } from '../config/logging';

/**
 * The template's preset: how this service maps the Python template's variables onto the
 * library's generic options. The library reads only `HEALTH_*` (and `APP_VERSION`); the template's
 * own names (`GEMINI_API_KEY`, `REDIS_URL`, `DATABASE_URL`, `API_KEY`) are read here.
 */
export const TEMPLATE_COMPONENTS = [
  'ai_model',
  'cache',
  'resilience',
  'database',
  'runtime',
] as const;

/** The template's default: `ai_model,cache,resilience`, plus `database` when `DATABASE_URL` is set. */
export const TEMPLATE_DEFAULT_COMPONENTS = ['ai_model', 'cache', 'resilience'] as const;

/** The components that run: `HEALTH_CHECK_ENABLED_COMPONENTS` (template names only) or the default. */
export function templateEnabledComponents(env: EnvSource): string[] {
  const listed = healthOptionsFromEnv(asWritten(env), { components: [] }).enabledComponents;
  const names = listed ? [...listed] : undefined;
  for (const name of names ?? []) {
    if (!(TEMPLATE_COMPONENTS as readonly string[]).includes(name)) {
      throw new HealthConfigurationError(
        'HEALTH_CHECK_ENABLED_COMPONENTS',
        name,
        `a list of ${TEMPLATE_COMPONENTS.join(', ')}`,
      );
    }
  }
  if (names) return names;
  return [...TEMPLATE_DEFAULT_COMPONENTS, ...(readString(env, 'DATABASE_URL') ? ['database'] : [])];
}

/** HealthModule options for this service, from its environment, with these checks. */
export function templateHealthOptions(
  env: EnvSource,
  checks: readonly HealthIndicator[] = [],
): HealthModuleOptions {
  const generic = healthOptionsFromEnv(withTemplateAliases(asWritten(env)), {
    components: TEMPLATE_COMPONENTS,
  });
  const aiKey = readString(env, 'GEMINI_API_KEY');
  const apiKeys = apiKeysFromEnv(env);
  return {
    ...generic,
    // The template's list selects which of its own components are built (HostHealthChecks); it
    // does not filter checks the app registers beside them.
    enabledComponents: undefined,
    shutdownDelayMs: templateShutdownDelayMs(env, generic.shutdownDelayMs),
    checks,
    // The template's API_KEY and ADDITIONAL_API_KEYS may see details too, beside any
    // HEALTH_DETAILS_KEYS. They keep the template's own rule (its .env ships key1,key2,key3),
    // looser than the library's for detailsKeys, so they authorize through the hook.
    authorizeDetails:
      apiKeys.length > 0
        ? (request: HealthRequest) => keyMatches(request.headers, apiKeys)
        : undefined,
    secrets: [
      ...(generic.secrets ?? []),
      aiKey,
      ...apiKeys,
      readString(env, 'HEALTH_WEBHOOK_SECRET'),
      ...metricsTokens(env),
      ...redisSecretsFromEnv(env),
      ...urlPasswords(readString(env, 'DATABASE_URL')),
    ],
    // Transition lines as JSON fields when the service logs JSON.
    logFormat: logFormatFromEnv(env),
    // GET /v1/health: the template's contract, byte for byte.
    legacy: legacyContract(Boolean(aiKey)),
  };
}

/**
 * The drain after SIGTERM or SIGINT: `HEALTH_SHUTDOWN_DELAY_MS` when set; unset, the library's
 * default (5 s) in production (`NODE_ENV=production`) and none elsewhere, so that Ctrl-C on
 * `npm start` stops the service at once.
 */
function templateShutdownDelayMs(
  env: EnvSource,
  fromVariable: number | undefined,
): number | undefined {
  if (fromVariable !== undefined) return fromVariable;
  return readString(env, 'NODE_ENV') === 'production' ? undefined : 0;
}

/**
 * The runtime configuration's options: `HEALTH_ADMIN_KEYS`, `HEALTH_CONFIG_FILE` and the fleet
 * store (`HEALTH_CONFIG_REDIS_URL`, `HEALTH_CONFIG_REDIS_KEY`). An admin key may be none of the
 * template's API keys either.
 */
export function templateConfigOptions(env: EnvSource): HealthConfigModuleOptions {
  const options = healthConfigOptionsFromEnv(asWritten(env));
  adminKeysApartFromApiKeys(options.adminKeys ?? [], env, apiKeysFromEnv(env));
  return options;
}

/**
 * The template's old name of the evaluation interval, `HEALTH_TREND_INTERVAL_MS`, read when
 * `HEALTH_EVALUATION_INTERVAL_MS` is unset or empty.
 */
function withTemplateAliases(
  read: (key: string) => string | undefined,
): (key: string) => string | undefined {
  return (key) => {
    if (key !== 'HEALTH_EVALUATION_INTERVAL_MS') return read(key);
    const value = read(key);
    return value !== undefined && value.trim() !== '' ? value : read('HEALTH_TREND_INTERVAL_MS');
  };
}

/**
 * Webhook options: `HEALTH_WEBHOOK_*`; fleet de-duplication goes through the template's Redis
 * (`REDIS_URL` with `REDIS_PASSWORD` and the TLS settings) unless `HEALTH_WEBHOOK_REDIS_URL` is set.
 */
export function templateWebhookOptions(env: EnvSource): WebhookOptions {
  const read = getter(env);
  const own = read('HEALTH_WEBHOOK_REDIS_URL');
  const options = healthWebhookOptionsFromEnv((key) =>
    key === 'HEALTH_WEBHOOK_REDIS_URL' ? (own ?? read('REDIS_URL')) : read(key),
  );
  if (own || options.dedup !== 'redis') return options;
  const shared = redisSettingsFromEnv(env, 'shared');
  if (!shared) return options;
  const { username, password, db, tls } = shared;
  return { ...options, redisOptions: { username, password, db, ...(tls ? { tls } : {}) } };
}

/**
 * Metrics settings: `HEALTH_METRICS_TOKEN` (one bearer token, or several separated by commas)
 * guards `GET /metrics`; unset, it is open. The process metrics are `PrometheusModule`'s.
 */
export function templateMetricsOptions(env: EnvSource): HealthMetricsRuntimeOptions {
  return healthMetricsOptionsFromEnv(asWritten(env));
}

/**
 * An admin key may not be one of the template's API keys: those open `/process` and show
 * details. Names both variables, never the key.
 */
function adminKeysApartFromApiKeys(
  adminKeys: readonly (string | undefined)[],
  env: EnvSource,
  apiKeys: readonly string[],
): void {
  const primary = readString(env, 'API_KEY');
  for (const key of adminKeys) {
    if (key === undefined || !apiKeys.includes(key)) continue;
    const variable = key === primary ? 'API_KEY' : 'ADDITIONAL_API_KEYS';
    throw new HealthConfigurationError(
      'HEALTH_ADMIN_KEYS',
      '***',
      `keys other than those of ${variable}: an admin key may not be a details key`,
    );
  }
}

/** The scrape tokens as written, valid or not: masked wherever they might appear. */
function metricsTokens(env: EnvSource): string[] {
  const raw = readString(env, 'HEALTH_METRICS_TOKEN');
  return raw ? [raw, ...raw.split(',').map((t) => t.trim())].filter(Boolean) : [];
}

function getter(env: EnvSource): (key: string) => string | undefined {
  return (key) => readString(env, key);
}

/** Variables as written, untrimmed: the library tells a blank secret (an error) from an unset one. */
function asWritten(env: EnvSource): (key: string) => string | undefined {
  return (key) => {
    const value =
      typeof env.get === 'function' ? env.get(key) : (env as Record<string, unknown>)[key];
    return value === undefined || value === null ? undefined : String(value);
  };
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
