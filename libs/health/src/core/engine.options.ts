import { HealthConfigurationError } from '../shared/errors';
import { validateComponentName } from '../shared/names';
import { integer, milliseconds, secretList } from '../shared/validate';
import { validateCheckOptions, validateDefinition } from './check-options';
import type { HealthClock } from './clock';
import { systemClock } from './clock';
import type { HealthCheckDefinition, HealthCheckOptions } from './health-check';

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
  /**
   * The longest any health endpoint waits for checks (`checkWithin`): past it, each check still
   * running is answered by its last known result while the evaluation goes on. Readiness has its
   * own `probeTimeoutMs`. Default 50.
   */
  responseBudgetMs?: number;
  /** Where the engine, and every consumer, reads time. Give your own in tests. */
  clock?: HealthClock;
  /**
   * Where option values came from, by option path (`defaultTimeoutMs`,
   * `components.cache.timeoutMs`): `environment` or `file`. Unlisted values count as `options`.
   * `healthOptionsFromEnv` fills it in.
   */
  configSources?: Readonly<Record<string, 'environment' | 'file'>>;
  /**
   * Variables `healthOptionsFromEnv` found but did not read: a `HEALTH_CHECK_<NAME>_*` naming a
   * component outside its `components` list. Logged as a warning at startup. It fills it in.
   */
  unreadVariables?: readonly string[];
}

/** DI token of the engine's own options (`HealthEngineOptions`), a slice of the module's. */
export const ENGINE_OPTIONS = Symbol('HEALTH_ENGINE_OPTIONS');

/** Engine options after defaults and validation. */
export interface ResolvedEngineOptions {
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
  responseBudgetMs: number;
  clock: HealthClock;
  configSources: Readonly<Record<string, 'environment' | 'file'>>;
  unreadVariables: readonly string[];
}

/** The engine's defaults. */
export const ENGINE_DEFAULTS = {
  version: '1.0.0',
  timeoutMs: 2000,
  retries: 1,
  retryBaseDelayMs: 100,
  cacheTtlMs: 0,
  failureCacheTtlMs: 5000,
  evaluationIntervalMs: 10_000,
  startupGraceMs: 5000,
  responseBudgetMs: 50,
} as const;

/** Validates the engine's options and fills in the defaults; throws naming the first bad one. */
export function resolveEngineOptions(options: HealthEngineOptions = {}): ResolvedEngineOptions {
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
  const value = <K extends keyof typeof ENGINE_DEFAULTS>(key: K, given: unknown) =>
    given ?? ENGINE_DEFAULTS[key];
  return {
    version: validateVersion(options.version),
    defaults: {
      timeoutMs: milliseconds('defaultTimeoutMs', value('timeoutMs', options.defaultTimeoutMs), 1),
      retries: integer('retries', value('retries', options.retries), 0),
      cacheTtlMs: milliseconds('cacheTtlMs', value('cacheTtlMs', options.cacheTtlMs)),
      failureCacheTtlMs: milliseconds(
        'failureCacheTtlMs',
        value('failureCacheTtlMs', options.failureCacheTtlMs),
      ),
      critical: true,
      tags: [],
    },
    retryBaseDelayMs: milliseconds(
      'retryBaseDelayMs',
      value('retryBaseDelayMs', options.retryBaseDelayMs),
    ),
    checks,
    components,
    enabledComponents: validateEnabled(options.enabledComponents),
    secrets: secretList('secrets', options.secrets),
    evaluationIntervalMs: milliseconds(
      'evaluationIntervalMs',
      value('evaluationIntervalMs', options.evaluationIntervalMs),
    ),
    startupGraceMs: milliseconds('startupGraceMs', value('startupGraceMs', options.startupGraceMs)),
    responseBudgetMs: milliseconds(
      'responseBudgetMs',
      value('responseBudgetMs', options.responseBudgetMs),
      1,
    ),
    clock: validateClock(options.clock),
    configSources: options.configSources ?? {},
    unreadVariables: validateNames('unreadVariables', options.unreadVariables),
  };
}

function validateNames(setting: string, names: unknown): readonly string[] {
  if (names === undefined) return [];
  if (!Array.isArray(names) || !names.every((name) => typeof name === 'string')) {
    throw new HealthConfigurationError(setting, names, 'an array of variable names');
  }
  return names as string[];
}

function validateVersion(version: unknown): string {
  if (version === undefined) return ENGINE_DEFAULTS.version;
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
