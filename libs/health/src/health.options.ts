import { HealthConfigurationError } from './core/errors';
import type { HealthClock } from './core/clock';
import type { ConfigFleetOptions } from './core/config-fleet';
import { systemClock } from './core/clock';
import type { HealthCheckDefinition, HealthCheckOptions } from './core/health-check';
import { CHECK_MODES } from './core/health-check';
import { isHealthStatus } from './core/health-status';
import { COMPONENT_NAME_PATTERN, isComponentName } from './core/names';
import type { HealthHttpOptions } from './http/http.options';
import type { TrendOptions } from './trends/trend.options';

export { COMPONENT_NAME_PATTERN };

/** The longest delay Node's timers honour (2^31-1 ms); a longer one fires after 1 ms. */
export const MAX_TIMER_MS = 2_147_483_647;

/** Settings of the engine itself: what runs, how, and how often. */
export interface HealthEngineOptions {
  /** Application version shown in reports. Default `"1.0.0"`. */
  version?: string;
  /** Default per-check timeout in ms. Default 2000. */
  defaultTimeoutMs?: number;
  /** Default retries after a failed attempt. Default 1. */
  retries?: number;
  /** First backoff delay in ms; it doubles on each retry. Default 100. */
  retryBaseDelayMs?: number;
  /** Default result TTL in ms; 0 = every evaluation runs afresh. Default 0. */
  cacheTtlMs?: number;
  /** Default longest reuse of a result that is not HEALTHY, in ms. Default 5000. */
  failureCacheTtlMs?: number;
  /** Checks to register at startup. */
  checks?: readonly HealthCheckDefinition[];
  /**
   * Per-component settings keyed by name, applied to a check whatever registered it
   * (options, runtime or DI). They win over the check's own options: this is where
   * operators' configuration goes.
   */
  components?: Readonly<Record<string, HealthCheckOptions>>;
  /**
   * Only checks with these names run; any other registration is skipped (and logged once).
   * Unset: every registered check runs.
   */
  enabledComponents?: readonly string[];
  /** Values that must never appear in a message or metadata (API keys, passwords). */
  secrets?: readonly (string | undefined)[];
  /**
   * How often the engine runs a full evaluation by itself, so the last known state stays fresh
   * without traffic (trends, metrics and webhooks read those reports); 0 turns it off.
   * Default 10000.
   */
  evaluationIntervalMs?: number;
  /**
   * Longest the engine waits at startup for indicators to settle (`settled()`) before reports
   * count as news. Default 5000.
   */
  startupGraceMs?: number;
  /** Where the engine, and every consumer, reads time. Give your own in tests. */
  clock?: HealthClock;
  /**
   * Where option values came from, by option path (`defaultTimeoutMs`,
   * `components.cache.timeoutMs`): `environment` or `file`. Unlisted values count as `options`.
   * `healthOptionsFromEnv` fills it in.
   */
  configSources?: Readonly<Record<string, 'environment' | 'file'>>;
  /**
   * A JSON file of `{ defaults, checks }` (the admin endpoint's shape) read at startup and again
   * when it changes; its values sit under runtime changes and over options and environment.
   */
  configFile?: string;
  /** How often the configuration file is looked at, in ms. Default 1000. */
  configFileIntervalMs?: number;
  /**
   * A Redis shared by the instances of this service: admin changes are stored there and applied
   * by every instance within a second; an instance that starts later loads them. Needs the
   * optional peer `ioredis`. Unset: the admin endpoint changes this instance only.
   */
  configFleet?: ConfigFleetOptions;
}

/** Everything `HealthModule.forRoot()` takes: the engine's settings and its consumers'. */
export interface HealthModuleOptions extends HealthEngineOptions, HealthHttpOptions {
  /** How long the service keeps serving, not ready, after SIGTERM. Default 5000. */
  shutdownDelayMs?: number;
  /** Then, how long requests in flight may take to finish before sockets are closed. Default 10000. */
  shutdownTimeoutMs?: number;
  /** One log line per status change of a component or of the system. Default true. */
  logTransitions?: boolean;
  /** `json`: transition lines as objects, for Nest's JSON logger. Default `text`. */
  logFormat?: 'text' | 'json';
  /** Trend samples kept from the periodic evaluations; `false` keeps none. */
  trends?: TrendOptions | false;
}

/** Engine options after defaults and validation. */
export interface ResolvedHealthOptions {
  version: string;
  defaults: Required<
    Pick<
      HealthCheckOptions,
      'timeoutMs' | 'retries' | 'cacheTtlMs' | 'failureCacheTtlMs' | 'critical'
    >
  > & {
    tags: readonly string[];
  };
  retryBaseDelayMs: number;
  checks: readonly HealthCheckDefinition[];
  components: Readonly<Record<string, HealthCheckOptions>>;
  enabledComponents?: ReadonlySet<string>;
  secrets: readonly (string | undefined)[];
  evaluationIntervalMs: number;
  startupGraceMs: number;
  clock: HealthClock;
}

export const HEALTH_DEFAULTS = {
  version: '1.0.0',
  timeoutMs: 2000,
  retries: 1,
  retryBaseDelayMs: 100,
  cacheTtlMs: 0,
  failureCacheTtlMs: 5000,
  evaluationIntervalMs: 10_000,
  startupGraceMs: 5000,
  shutdownDelayMs: 5000,
  shutdownTimeoutMs: 10_000,
} as const;

export function resolveHealthOptions(options: HealthModuleOptions = {}): ResolvedHealthOptions {
  if (options === null || typeof options !== 'object') {
    throw new HealthConfigurationError('HealthModule options', options, 'an object');
  }
  const checks = options.checks ?? [];
  if (!Array.isArray(checks)) {
    throw new HealthConfigurationError('checks', checks, 'an array of health checks');
  }
  checks.forEach((check, i) => validateDefinition(check, `checks[${i}]`));
  const components = options.components ?? {};
  for (const [name, componentOptions] of Object.entries(components)) {
    validateCheckOptions(componentOptions, `components.${name}`);
  }
  return {
    version: validateVersion(options.version),
    defaults: {
      timeoutMs: milliseconds(
        'defaultTimeoutMs',
        options.defaultTimeoutMs ?? HEALTH_DEFAULTS.timeoutMs,
        1,
      ),
      retries: integer('retries', options.retries ?? HEALTH_DEFAULTS.retries, 0),
      cacheTtlMs: milliseconds('cacheTtlMs', options.cacheTtlMs ?? HEALTH_DEFAULTS.cacheTtlMs),
      failureCacheTtlMs: milliseconds(
        'failureCacheTtlMs',
        options.failureCacheTtlMs ?? HEALTH_DEFAULTS.failureCacheTtlMs,
      ),
      critical: true,
      tags: [],
    },
    retryBaseDelayMs: milliseconds(
      'retryBaseDelayMs',
      options.retryBaseDelayMs ?? HEALTH_DEFAULTS.retryBaseDelayMs,
    ),
    checks,
    components,
    enabledComponents: validateEnabled(options.enabledComponents),
    // Keys that may read details are secrets however they were configured.
    secrets: [
      ...secretList('secrets', options.secrets),
      ...secretList('detailsKeys', options.detailsKeys),
      ...secretList('adminKeys', options.adminKeys),
    ],
    evaluationIntervalMs: milliseconds(
      'evaluationIntervalMs',
      options.evaluationIntervalMs ?? HEALTH_DEFAULTS.evaluationIntervalMs,
    ),
    startupGraceMs: milliseconds(
      'startupGraceMs',
      options.startupGraceMs ?? HEALTH_DEFAULTS.startupGraceMs,
    ),
    clock: validateClock(options.clock),
  };
}

/** At most this many tags per check, each 1 to 64 of `A-Z a-z 0-9 _ . : / -`. */
export const MAX_TAGS = 32;
const TAG = /^[A-Za-z0-9_.:/-]{1,64}$/;

/** At most this many thresholds per check, each named like a JavaScript identifier. */
export const MAX_THRESHOLDS = 32;
export const THRESHOLD_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

const flag = (where: string, value: unknown): void => {
  if (typeof value !== 'boolean') throw new HealthConfigurationError(where, value, 'true or false');
};

/**
 * How each per-check option is validated, by key: the one rule for options in code, the
 * environment, the configuration file, the admin endpoint and the fleet.
 */
export const CHECK_OPTION_RULES: Readonly<
  Record<Exclude<keyof HealthCheckOptions, 'thresholds'>, (where: string, value: unknown) => void>
> = {
  timeoutMs: (where, value) => milliseconds(where, value, 1),
  retries: (where, value) => integer(where, value, 0),
  cacheTtlMs: (where, value) => milliseconds(where, value),
  failureCacheTtlMs: (where, value) => milliseconds(where, value),
  degradedAboveMs: (where, value) => milliseconds(where, value),
  failuresBeforeUnhealthy: (where, value) => integer(where, value, 1),
  successesBeforeHealthy: (where, value) => integer(where, value, 1),
  mode: (where, value) => {
    if (!(CHECK_MODES as readonly unknown[]).includes(value)) {
      throw new HealthConfigurationError(where, value, 'active or shadow');
    }
  },
  timeoutStatus: (where, value) => {
    if (!isHealthStatus(value)) {
      throw new HealthConfigurationError(where, value, 'healthy, degraded or unhealthy');
    }
  },
  critical: flag,
  abortable: flag,
  enabled: flag,
  tags: (where, value) => {
    const valid =
      Array.isArray(value) &&
      value.length <= MAX_TAGS &&
      // Array.from: a hole in a sparse array is a missing tag, which every() would skip.
      Array.from(value as unknown[]).every((tag) => typeof tag === 'string' && TAG.test(tag));
    if (!valid) {
      throw new HealthConfigurationError(
        where,
        value,
        `an array of at most ${MAX_TAGS} tags of 1 to 64 characters A-Z a-z 0-9 _ . : / -`,
      );
    }
  },
};

/** Validates a threshold's name: like `minHitRatio`. */
export function validateThresholdName(where: string, name: string): void {
  if (!THRESHOLD_NAME.test(name)) {
    throw new HealthConfigurationError(where, name, 'threshold names like minHitRatio');
  }
}

/** Validates one threshold: a finite number under a name like `minHitRatio`. */
export function validateThreshold(where: string, name: string, value: unknown): void {
  validateThresholdName(where, name);
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new HealthConfigurationError(`${where}.${name}`, value, 'a number');
  }
}

/** Validates the options a check carries; `where` names it in errors. */
export function validateCheckOptions(options: HealthCheckOptions | undefined, where: string): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object') {
    throw new HealthConfigurationError(where, options, 'an object of check options');
  }
  for (const [key, rule] of Object.entries(CHECK_OPTION_RULES)) {
    const value = (options as Record<string, unknown>)[key];
    if (value !== undefined) rule(`${where}.${key}`, value);
  }
  if (options.thresholds !== undefined) {
    const thresholds: unknown = options.thresholds;
    if (thresholds === null || typeof thresholds !== 'object' || Array.isArray(thresholds)) {
      throw new HealthConfigurationError(
        `${where}.thresholds`,
        thresholds,
        'an object of numbers by name',
      );
    }
    const entries = Object.entries(thresholds);
    if (entries.length > MAX_THRESHOLDS) {
      throw new HealthConfigurationError(
        `${where}.thresholds`,
        thresholds,
        `at most ${MAX_THRESHOLDS} thresholds`,
      );
    }
    for (const [name, value] of entries) validateThreshold(`${where}.thresholds`, name, value);
  }
}

export function validateDefinition(definition: HealthCheckDefinition, where: string): void {
  if (definition === null || typeof definition !== 'object') {
    throw new HealthConfigurationError(where, definition, 'an object with name and check()');
  }
  validateComponentName(definition.name, `${where}.name`);
  if (typeof definition.check !== 'function') {
    throw new HealthConfigurationError(`${where}.check`, definition.check, 'a function');
  }
  validateCheckOptions(definition, where);
}

export function validateComponentName(name: unknown, where = 'name'): string {
  if (!isComponentName(name))
    throw new HealthConfigurationError(where, name, COMPONENT_NAME_EXPECTED);
  return name;
}

export const COMPONENT_NAME_EXPECTED =
  'a component name matching [a-z0-9_-]{1,64}, other than __proto__, constructor and prototype';

function validateVersion(version: unknown): string {
  if (version === undefined) return HEALTH_DEFAULTS.version;
  if (typeof version !== 'string' || version.trim() === '') {
    throw new HealthConfigurationError('version', version, 'a non-empty string');
  }
  return version;
}

function validateClock(clock: unknown): HealthClock {
  if (clock === undefined) return systemClock;
  const c = clock as Partial<HealthClock> | null;
  if (typeof c?.monotonicMs !== 'function' || typeof c.epochMs !== 'function') {
    throw new HealthConfigurationError(
      'clock',
      typeof clock,
      'an object with monotonicMs() and epochMs()',
    );
  }
  return clock as HealthClock;
}

function validateEnabled(enabled: readonly string[] | undefined): ReadonlySet<string> | undefined {
  if (enabled === undefined) return undefined;
  if (!Array.isArray(enabled) || enabled.length === 0) {
    throw new HealthConfigurationError(
      'enabledComponents',
      enabled,
      'a non-empty array of component names (leave it unset to run every check)',
    );
  }
  enabled.forEach((name) => validateComponentName(name, 'enabledComponents'));
  return new Set(enabled);
}

/**
 * A whole number of milliseconds from `min` to 2^31-1 (what Node's timers honour): the same rule
 * as the environment's `*_MS` variables.
 */
export function milliseconds(setting: string, value: unknown, min = 0): number {
  if (!Number.isSafeInteger(value) || (value as number) < min || (value as number) > MAX_TIMER_MS) {
    throw new HealthConfigurationError(
      setting,
      value,
      `an integer number of milliseconds from ${min} to ${MAX_TIMER_MS}`,
    );
  }
  return value as number;
}

/** An integer >= min. */
export function integer(setting: string, value: unknown, min: number): number {
  if (!Number.isSafeInteger(value) || (value as number) < min) {
    throw new HealthConfigurationError(setting, value, `an integer >= ${min}`);
  }
  return value as number;
}

/**
 * An integer from `min` to `max`, where `max` is what the health infrastructure's 10 MB memory
 * budget leaves for this setting; `holds` says what it bounds ("the events kept stay").
 */
export function budgetedInteger(
  setting: string,
  value: unknown,
  min: number,
  max: number,
  holds: string,
): number {
  const kept = integer(setting, value, min);
  if (kept > max) {
    throw new HealthConfigurationError(
      setting,
      value,
      `an integer from ${min} to ${max}: ${holds} within the 10 MB memory budget of the health infrastructure`,
    );
  }
  return kept;
}

/** An absolute http(s) URL with a host. */
export function isHttpUrl(value: unknown): value is string {
  return typeof value === 'string' && /^https?:\/\/[^/\s]+/.test(value) && URL.canParse(value);
}

/** A list of secret values (strings or undefined); anything else is refused without showing it. */
function secretList(setting: string, value: unknown): (string | undefined)[] {
  if (value === undefined) return [];
  const valid =
    Array.isArray(value) && value.every((v) => v === undefined || typeof v === 'string');
  if (!valid) throw new HealthConfigurationError(setting, '***', 'an array of strings');
  return value as (string | undefined)[];
}

/** Throws naming the first key that is not one of `keys`. */
export function knownKeys(
  values: Readonly<Record<string, unknown>>,
  where: string,
  keys: readonly string[],
): void {
  for (const [key, value] of Object.entries(values)) {
    if (!keys.includes(key)) {
      throw new HealthConfigurationError(`${where}.${key}`, value, `one of ${keys.join(', ')}`);
    }
  }
}
