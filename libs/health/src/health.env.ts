import { HealthConfigurationError } from './core/errors';
import type { HealthCheckOptions } from './core/health-check';
import { CHECK_MODES } from './core/health-check';
import { COMPONENT_NAME_PATTERN } from './core/names';
import type { DetailsVisibility } from './http/http.options';
import { DETAILS_VISIBILITY } from './http/http.options';
import type { HealthModuleOptions } from './health.options';
import { MAX_TIMER_MS } from './health.options';
import { accessSecret, adminKeysApart, BLANK_SECRET_EXPECTED } from './shared/access-secret';

/** Where variables are read from: `process.env`, a `ConfigService`, or any getter. */
export type HealthEnv =
  | Readonly<Record<string, string | undefined>>
  | { get(key: string): unknown }
  | ((key: string) => string | undefined);

export interface HealthEnvOptions {
  /**
   * Components whose `HEALTH_CHECK_<NAME>_TIMEOUT_MS` is read. With a plain record such as
   * `process.env`, every such variable is found without this list.
   */
  components?: readonly string[];
}

/**
 * Module options from generic `HEALTH_*` variables: `HEALTH_CHECK_TIMEOUT_MS`,
 * `HEALTH_CHECK_<COMPONENT>_TIMEOUT_MS`, `HEALTH_CHECK_RETRY_COUNT`, `HEALTH_CHECK_RESULT_TTL_MS`,
 * `HEALTH_CHECK_FAILURE_TTL_MS`,
 * `HEALTH_CHECK_ENABLED_COMPONENTS`, `HEALTH_EVALUATION_INTERVAL_MS`, `HEALTH_TREND_RETENTION_MS`,
 * `HEALTH_DETAILS`, `HEALTH_DETAILS_KEYS`, `HEALTH_ADMIN_KEYS`, `HEALTH_PROBE_TIMEOUT_MS`, `HEALTH_STARTUP_GRACE_MS`,
 * `HEALTH_SHUTDOWN_DELAY_MS`, `HEALTH_SHUTDOWN_TIMEOUT_MS`, and `APP_VERSION`.
 * Unset or empty variables keep their defaults. A bad value throws a `HealthConfigurationError`
 * naming the variable and the value. The keys (`HEALTH_DETAILS_KEYS`, `HEALTH_ADMIN_KEYS`) are
 * held to the access-secret rule (see `envSecretList`); set but blank is an error, an admin key
 * that is also a details key too, and their values are never shown.
 */
export function healthOptionsFromEnv(
  env: HealthEnv,
  options: HealthEnvOptions = {},
): HealthModuleOptions {
  const read = envReader(env);
  const raw = envGetter(env);
  const components: Record<string, HealthCheckOptions> = {};
  for (const name of componentNames(env, options.components ?? [])) {
    const own = componentFromEnv(read, `HEALTH_CHECK_${name.toUpperCase()}_`);
    if (Object.keys(own).length > 0) components[name] = own;
  }
  const keys = envSecretList('HEALTH_DETAILS_KEYS', raw('HEALTH_DETAILS_KEYS'));
  const adminKeys = envSecretList('HEALTH_ADMIN_KEYS', raw('HEALTH_ADMIN_KEYS'));
  adminKeysApart('HEALTH_ADMIN_KEYS', adminKeys ?? [], 'HEALTH_DETAILS_KEYS', keys ?? []);
  const fleetUrl = read('HEALTH_CONFIG_REDIS_URL') || undefined;
  const fleetKey = read('HEALTH_CONFIG_REDIS_KEY') || undefined;
  const interval =
    read('HEALTH_EVALUATION_INTERVAL_MS') !== undefined &&
    read('HEALTH_EVALUATION_INTERVAL_MS') !== ''
      ? 'HEALTH_EVALUATION_INTERVAL_MS'
      : 'HEALTH_TREND_INTERVAL_MS';
  const fromEnv: HealthModuleOptions = {
    version: read('APP_VERSION') || undefined,
    defaultTimeoutMs: envMilliseconds(
      'HEALTH_CHECK_TIMEOUT_MS',
      read('HEALTH_CHECK_TIMEOUT_MS'),
      1,
    ),
    retries: envInteger('HEALTH_CHECK_RETRY_COUNT', read('HEALTH_CHECK_RETRY_COUNT'), 0),
    cacheTtlMs: envMilliseconds(
      'HEALTH_CHECK_RESULT_TTL_MS',
      read('HEALTH_CHECK_RESULT_TTL_MS'),
      0,
    ),
    failureCacheTtlMs: envMilliseconds(
      'HEALTH_CHECK_FAILURE_TTL_MS',
      read('HEALTH_CHECK_FAILURE_TTL_MS'),
      0,
    ),
    enabledComponents: componentList(
      'HEALTH_CHECK_ENABLED_COMPONENTS',
      read('HEALTH_CHECK_ENABLED_COMPONENTS'),
    ),
    components,
    evaluationIntervalMs: envMilliseconds(interval, read(interval), 0),
    trends: {
      retentionMs: envMilliseconds(
        'HEALTH_TREND_RETENTION_MS',
        read('HEALTH_TREND_RETENTION_MS'),
        1,
      ),
    },
    details: detailsVisibility(read('HEALTH_DETAILS')),
    detailsKeys: keys,
    adminKeys,
    secrets: [...(keys ?? []), ...(adminKeys ?? []), ...urlPassword(fleetUrl)],
    shutdownDelayMs: envMilliseconds(
      'HEALTH_SHUTDOWN_DELAY_MS',
      read('HEALTH_SHUTDOWN_DELAY_MS'),
      0,
    ),
    shutdownTimeoutMs: envMilliseconds(
      'HEALTH_SHUTDOWN_TIMEOUT_MS',
      read('HEALTH_SHUTDOWN_TIMEOUT_MS'),
      0,
    ),
    probeTimeoutMs: envMilliseconds('HEALTH_PROBE_TIMEOUT_MS', read('HEALTH_PROBE_TIMEOUT_MS'), 1),
    startupGraceMs: envMilliseconds('HEALTH_STARTUP_GRACE_MS', read('HEALTH_STARTUP_GRACE_MS'), 0),
    logTransitions: envBoolean('HEALTH_LOG_TRANSITIONS', read('HEALTH_LOG_TRANSITIONS')),
    configFile: read('HEALTH_CONFIG_FILE') || undefined,
    configFleet: fleetUrl
      ? { redisUrl: fleetUrl, ...(fleetKey ? { key: fleetKey } : {}) }
      : undefined,
  };
  return { ...fromEnv, configSources: sourcesOf(fromEnv) };
}

/** A getter over any `HealthEnv`: values trimmed, null and undefined as unset. */
export function envReader(env: HealthEnv): (key: string) => string | undefined {
  const get = envGetter(env);
  return (key) => get(key)?.trim();
}

/** A getter over any `HealthEnv`, values as written (untrimmed): null and undefined as unset. */
export function envGetter(env: HealthEnv): (key: string) => string | undefined {
  const get =
    typeof env === 'function'
      ? env
      : typeof env.get === 'function'
        ? (key: string) => (env as { get(key: string): unknown }).get(key)
        : (key: string) => (env as Record<string, unknown>)[key];
  return (key) => {
    const value = get(key);
    return value === undefined || value === null ? undefined : String(value);
  };
}

/** `true`/`false` (also `1`/`0`, `yes`/`no`, any case); unset or empty: undefined. */
export function envBoolean(variable: string, raw: string | undefined): boolean | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (/^(true|1|yes)$/i.test(raw)) return true;
  if (/^(false|0|no)$/i.test(raw)) return false;
  throw new HealthConfigurationError(variable, raw, 'true or false');
}

/** An integer variable from `min` to `max`; unset or empty: undefined. */
export function envInteger(
  variable: string,
  raw: string | undefined,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
  expected = `an integer >= ${min}`,
): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const value = /^-?\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new HealthConfigurationError(variable, raw, expected);
  }
  return value;
}

/** Milliseconds from `min` to 2^31-1 (Node's timers fire at once past that); unset: undefined. */
export function envMilliseconds(
  variable: string,
  raw: string | undefined,
  min: number,
): number | undefined {
  const expected = `an integer number of milliseconds from ${min} to ${MAX_TIMER_MS}`;
  return envInteger(variable, raw, min, MAX_TIMER_MS, expected);
}

const LIST_EXPECTED = 'a JSON array of strings or comma-separated values';

/**
 * A list as comma-separated values or a JSON array of strings (`["a", "b"]`); unset or empty:
 * undefined; a list with no item in it is an error.
 */
export function envList(variable: string, raw: string | undefined): string[] | undefined {
  if (raw === undefined || raw === '') return undefined;
  const items = listItems(raw);
  if (items === undefined) throw new HealthConfigurationError(variable, raw, LIST_EXPECTED);
  if (items.length === 0) {
    throw new HealthConfigurationError(
      variable,
      raw,
      'at least one value (leave it unset for the default)',
    );
  }
  return items;
}

/**
 * Access secrets (keys, tokens) from a variable as written, untrimmed: comma-separated or a JSON
 * array of strings, each held to the access-secret rule. Unset or `''`: undefined. Set but blank
 * (only whitespace or commas, `[]`): an error, not "unset", so a secret meant to be set is never
 * silently left open. Errors name the variable and never show the value.
 */
export function envSecretList(variable: string, raw: string | undefined): string[] | undefined {
  if (raw === undefined || raw === '') return undefined;
  const items = listItems(raw.trim());
  if (items === undefined) throw new HealthConfigurationError(variable, '***', LIST_EXPECTED);
  if (items.length === 0) {
    throw new HealthConfigurationError(variable, '***', BLANK_SECRET_EXPECTED);
  }
  return items.map((item) => accessSecret(variable, item));
}

/** The trimmed, non-empty, distinct items of a list; undefined when it is not one. */
function listItems(raw: string): string[] | undefined {
  let items: unknown = raw.split(',');
  if (raw.startsWith('[')) {
    try {
      items = JSON.parse(raw);
    } catch {
      return undefined;
    }
    if (!Array.isArray(items) || !items.every((i) => typeof i === 'string')) return undefined;
  }
  const values = (items as string[]).map((i) => i.trim()).filter((i) => i !== '');
  return [...new Set(values)];
}

function componentList(variable: string, raw: string | undefined): string[] | undefined {
  const names = envList(variable, raw);
  for (const name of names ?? []) {
    if (!COMPONENT_NAME_PATTERN.test(name)) {
      throw new HealthConfigurationError(
        variable,
        name,
        'component names matching [a-z0-9_-]{1,64}',
      );
    }
  }
  return names;
}

/**
 * One component's settings from `HEALTH_CHECK_<NAME>_TIMEOUT_MS`, `_DEGRADED_ABOVE_MS`,
 * `_FAILURES_BEFORE_UNHEALTHY`, `_SUCCESSES_BEFORE_HEALTHY`, `_MODE` (active|shadow) and
 * `_ENABLED`; only those set.
 */
function componentFromEnv(
  read: (key: string) => string | undefined,
  prefix: string,
): HealthCheckOptions {
  const mode = read(`${prefix}MODE`) || undefined;
  if (mode !== undefined && !(CHECK_MODES as readonly string[]).includes(mode)) {
    throw new HealthConfigurationError(`${prefix}MODE`, mode, 'active or shadow');
  }
  const values: HealthCheckOptions = {
    timeoutMs: envMilliseconds(`${prefix}TIMEOUT_MS`, read(`${prefix}TIMEOUT_MS`), 1),
    degradedAboveMs: envMilliseconds(
      `${prefix}DEGRADED_ABOVE_MS`,
      read(`${prefix}DEGRADED_ABOVE_MS`),
      0,
    ),
    failuresBeforeUnhealthy: envInteger(
      `${prefix}FAILURES_BEFORE_UNHEALTHY`,
      read(`${prefix}FAILURES_BEFORE_UNHEALTHY`),
      1,
    ),
    successesBeforeHealthy: envInteger(
      `${prefix}SUCCESSES_BEFORE_HEALTHY`,
      read(`${prefix}SUCCESSES_BEFORE_HEALTHY`),
      1,
    ),
    mode: mode as HealthCheckOptions['mode'],
    enabled: envBoolean(`${prefix}ENABLED`, read(`${prefix}ENABLED`)),
  };
  return Object.fromEntries(
    Object.entries(values).filter(([, value]) => value !== undefined),
  ) as HealthCheckOptions;
}

const COMPONENT_VARIABLE =
  /^HEALTH_CHECK_([A-Z0-9_-]+?)_(TIMEOUT_MS|DEGRADED_ABOVE_MS|FAILURES_BEFORE_UNHEALTHY|SUCCESSES_BEFORE_HEALTHY|MODE|ENABLED)$/;

function componentNames(env: HealthEnv, listed: readonly string[]): string[] {
  const names = new Set(listed);
  if (typeof env === 'object' && typeof (env as { get?: unknown }).get !== 'function') {
    for (const key of Object.keys(env)) {
      const match = COMPONENT_VARIABLE.exec(key);
      if (match) names.add(match[1].toLowerCase());
    }
  }
  return [...names].filter((name) => COMPONENT_NAME_PATTERN.test(name));
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

/** Every value the environment set, by option path, as coming from the environment. */
function sourcesOf(options: HealthModuleOptions): Record<string, 'environment'> {
  const sources: Record<string, 'environment'> = {};
  const walk = (value: unknown, path: string) => {
    if (value === undefined || (Array.isArray(value) && value.length === 0)) return;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [key, inner] of Object.entries(value)) walk(inner, path ? `${path}.${key}` : key);
    } else {
      sources[path] = 'environment';
    }
  };
  walk(options, '');
  return sources;
}

/** The password of a URL (as written and decoded), to be masked wherever text is shown. */
function urlPassword(url: string | undefined): string[] {
  if (!url) return [];
  try {
    const { password } = new URL(url);
    return password ? [password, decodeURIComponent(password)] : [];
  } catch {
    return [];
  }
}
