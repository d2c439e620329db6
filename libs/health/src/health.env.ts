import { HealthConfigurationError } from './core/errors';
import type { HealthCheckOptions } from './core/health-check';
import type { DetailsVisibility, HealthModuleOptions } from './health.options';
import { BUILT_IN_COMPONENTS, DETAILS_VISIBILITY, HEALTH_DEFAULTS } from './health.options';

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
    secrets: [aiKey, read('API_KEY'), ...urlPasswords(read('REDIS_URL'), read('DATABASE_URL'))],
    legacy: { aiModelConfigured: Boolean(aiKey) },
    details: detailsVisibility(read('HEALTH_DETAILS')),
    apiKeys: [read('API_KEY')],
    shutdownDelayMs: integer('HEALTH_SHUTDOWN_DELAY_MS', read('HEALTH_SHUTDOWN_DELAY_MS'), 0),
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
