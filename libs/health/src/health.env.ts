import type { HealthCheckOptions } from './core/health-check';
import { CHECK_MODES } from './core/health-check';
import type { HealthModuleOptions } from './health.options';
import type { DetailsVisibility } from './http/http.options';
import { DETAILS_VISIBILITY } from './http/http.options';
import type { HealthEnv } from './shared/env';
import {
  envBoolean,
  envGetter,
  envInteger,
  envList,
  envMilliseconds,
  envReader,
  envSecretList,
  urlPassword,
} from './shared/env';
import { HealthConfigurationError } from './shared/errors';
import { COMPONENT_NAME_PATTERN, isComponentName, validateComponentName } from './shared/names';

export interface HealthEnvOptions {
  /**
   * The app's components: only their `HEALTH_CHECK_<NAME>_*` variables are read, and a variable
   * naming any other component is not read but listed in `unreadVariables` (a warning at
   * startup). Unset: every component a variable names is read.
   */
  components?: readonly string[];
}

/**
 * Module options from generic `HEALTH_*` variables: `HEALTH_CHECK_TIMEOUT_MS`,
 * `HEALTH_CHECK_<COMPONENT>_TIMEOUT_MS` (and `_DEGRADED_ABOVE_MS`, `_FAILURES_BEFORE_UNHEALTHY`,
 * `_SUCCESSES_BEFORE_HEALTHY`, `_MODE`, `_ENABLED`), `HEALTH_CHECK_RETRY_COUNT`,
 * `HEALTH_CHECK_RESULT_TTL_MS`, `HEALTH_CHECK_FAILURE_TTL_MS`, `HEALTH_CHECK_ENABLED_COMPONENTS`,
 * `HEALTH_EVALUATION_INTERVAL_MS`, `HEALTH_TREND_RETENTION_MS`, `HEALTH_DETAILS`,
 * `HEALTH_DETAILS_KEYS`, `HEALTH_RESPONSE_BUDGET_MS`, `HEALTH_PROBE_TIMEOUT_MS`,
 * `HEALTH_STARTUP_GRACE_MS`,
 * `HEALTH_SHUTDOWN_DELAY_MS`, `HEALTH_SHUTDOWN_TIMEOUT_MS`, `HEALTH_LOG_TRANSITIONS` and
 * `APP_VERSION`. Unset or empty variables keep their defaults. A bad value throws a
 * `HealthConfigurationError` naming the variable and the value (a key's value never).
 * The runtime configuration's variables are `healthConfigOptionsFromEnv`'s; their secrets (admin
 * keys, the fleet URL's password) are masked here too.
 */
export function healthOptionsFromEnv(
  env: HealthEnv,
  options: HealthEnvOptions = {},
): HealthModuleOptions {
  const read = envReader(env);
  const raw = envGetter(env);
  const { names, unread } = componentNames(env, options.components);
  const components: Record<string, HealthCheckOptions> = {};
  for (const name of names) {
    const own = componentFromEnv(read, `HEALTH_CHECK_${name.toUpperCase()}_`);
    if (Object.keys(own).length > 0) components[name] = own;
  }
  const keys = envSecretList('HEALTH_DETAILS_KEYS', raw('HEALTH_DETAILS_KEYS'));
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
    evaluationIntervalMs: envMilliseconds(
      'HEALTH_EVALUATION_INTERVAL_MS',
      read('HEALTH_EVALUATION_INTERVAL_MS'),
      0,
    ),
    trends: {
      retentionMs: envMilliseconds(
        'HEALTH_TREND_RETENTION_MS',
        read('HEALTH_TREND_RETENTION_MS'),
        1,
      ),
    },
    details: detailsVisibility(read('HEALTH_DETAILS')),
    detailsKeys: keys,
    secrets: [...(keys ?? []), ...maskedOnly(raw)],
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
    responseBudgetMs: envMilliseconds(
      'HEALTH_RESPONSE_BUDGET_MS',
      read('HEALTH_RESPONSE_BUDGET_MS'),
      1,
    ),
    logTransitions: envBoolean('HEALTH_LOG_TRANSITIONS', read('HEALTH_LOG_TRANSITIONS')),
  };
  const set = setOnly(fromEnv);
  return setOnly({ ...set, configSources: sourcesOf(set), unreadVariables: unread });
}

/**
 * The options without what the environment left unset (no undefined value, empty list or empty
 * object): spread over options given in code, they keep every value the environment does not set.
 */
function setOnly<T extends object>(options: T): T {
  const set: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    const inner: unknown = isRecord(value) ? setOnly(value) : value;
    const empty = Array.isArray(inner) ? inner.length === 0 : isRecord(inner) && isEmpty(inner);
    if (inner !== undefined && !empty) set[key] = inner;
  }
  return set as T;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isEmpty(value: object): boolean {
  return Object.keys(value).length === 0;
}

/**
 * Secrets of the runtime configuration's variables, read only to be masked wherever a check's
 * text is shown (`healthConfigOptionsFromEnv` validates them): the admin keys as written, the
 * fleet URL's password.
 */
function maskedOnly(raw: (key: string) => string | undefined): string[] {
  let admin: string[] = [];
  try {
    admin = envSecretList('HEALTH_ADMIN_KEYS', raw('HEALTH_ADMIN_KEYS')) ?? [];
  } catch {
    // Refused, naming the variable, where the runtime configuration reads it.
  }
  return [...admin, ...urlPassword(raw('HEALTH_CONFIG_REDIS_URL')?.trim())];
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

const COMPONENT_PREFIX = 'HEALTH_CHECK_';
const COMPONENT_SETTINGS = [
  '_TIMEOUT_MS',
  '_DEGRADED_ABOVE_MS',
  '_FAILURES_BEFORE_UNHEALTHY',
  '_SUCCESSES_BEFORE_HEALTHY',
  '_MODE',
  '_ENABLED',
] as const;
/** `<NAME>` in a variable: a component name in capitals. */
const VARIABLE_NAME_PATTERN = /^[A-Z0-9_-]{1,64}$/;
const VARIABLE_NAME_EXPECTED =
  '<NAME> a component name in capitals: [A-Z0-9_-]{1,64}, other than __PROTO__, CONSTRUCTOR and PROTOTYPE';

/**
 * The component a per-component variable names (`HEALTH_CHECK_<NAME>_<SETTING>`), `undefined`
 * for any other variable. Throws, naming the variable, when `<NAME>` names no component
 * (`HEALTH_CHECK_Payments_TIMEOUT_MS`). Only prefix and suffix are compared, and only a name of
 * at most 64 characters meets a pattern: the work is bounded whatever the variable.
 */
export function componentOfVariable(variable: string): string | undefined {
  if (!variable.startsWith(COMPONENT_PREFIX)) return undefined;
  const setting = COMPONENT_SETTINGS.find((suffix) => variable.endsWith(suffix));
  const length = variable.length - COMPONENT_PREFIX.length - (setting?.length ?? 0);
  // HEALTH_CHECK_TIMEOUT_MS and the other module-wide variables overlap prefix and suffix.
  if (setting === undefined || length < 0) return undefined;
  const name =
    length <= 64 ? variable.slice(COMPONENT_PREFIX.length, COMPONENT_PREFIX.length + length) : '';
  const lower = name.toLowerCase();
  if (!VARIABLE_NAME_PATTERN.test(name) || !isComponentName(lower)) {
    throw new HealthConfigurationError(
      `${COMPONENT_PREFIX}<NAME>${setting}`,
      variable,
      VARIABLE_NAME_EXPECTED,
    );
  }
  return lower;
}

/**
 * The components to read, and the variables naming others (when `listed` is given). Variables
 * are found among a record's keys or, for a `ConfigService` or a function, which cannot list
 * theirs, among `process.env`'s (where `ConfigModule` puts a `.env` file's too).
 */
function componentNames(
  env: HealthEnv,
  listed: readonly string[] | undefined,
): { names: string[]; unread: string[] } {
  const known = new Set(
    (listed ?? []).map((name, i) => validateComponentName(name, `components[${i}]`)),
  );
  const names = new Set(known);
  const unread: string[] = [];
  for (const variable of Object.keys(variablesOf(env))) {
    const name = componentOfVariable(variable);
    if (name === undefined) continue;
    if (listed === undefined || known.has(name)) names.add(name);
    else unread.push(variable);
  }
  return { names: [...names], unread: unread.sort() };
}

function variablesOf(env: HealthEnv): object {
  const getter = typeof env === 'function' || typeof env.get === 'function';
  return getter ? process.env : env;
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
