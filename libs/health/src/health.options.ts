import { HealthConfigurationError } from './core/errors';
import type { HealthClock } from './core/clock';
import { systemClock } from './core/clock';
import type { HealthCheckDefinition, HealthCheckOptions } from './core/health-check';

/** Component names of the built-in indicators, the ones `enabledComponents` selects among. */
export const BUILT_IN_COMPONENTS = [
  'ai_model',
  'cache',
  'resilience',
  'database',
  'runtime',
] as const;
export type BuiltInComponent = (typeof BUILT_IN_COMPONENTS)[number];

/** A component name: lowercase letters, digits, `_` and `-`, 1 to 64 characters. */
export const COMPONENT_NAME_PATTERN = /^[a-z0-9_-]{1,64}$/;

export interface LegacyEndpointOptions {
  /**
   * Whether an AI key is configured: the legacy body's `ai_model_available` when the
   * engine itself fails and no component status can be read.
   */
  aiModelConfigured?: boolean;
}

/** Who sees `message` and `metadata` in the full report (Spring Boot's `show-details`). */
export const DETAILS_VISIBILITY = ['never', 'when-authorized', 'always'] as const;
export type DetailsVisibility = (typeof DETAILS_VISIBILITY)[number];

export interface HealthModuleOptions {
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
  /** Checks to register at startup. */
  checks?: readonly HealthCheckDefinition[];
  /**
   * Per-component settings keyed by name, applied to a check whatever registered it
   * (options, runtime or DI). They win over the check's own options: this is where
   * operators' configuration goes.
   */
  components?: Readonly<Record<string, HealthCheckOptions>>;
  /** Which built-in components run. Unset: all that are registered. */
  enabledComponents?: readonly string[];
  /** Values that must never appear in a message or metadata (API keys, passwords). */
  secrets?: readonly (string | undefined)[];
  legacy?: LegacyEndpointOptions;
  /** Who sees messages and metadata in the full report. Default `when-authorized`. */
  details?: DetailsVisibility;
  /** Keys that authorize a caller (`Authorization: Bearer` or `X-API-Key`). Default none. */
  apiKeys?: readonly (string | undefined)[];
  /** How long the service keeps serving, not ready, after SIGTERM. Default 5000. */
  shutdownDelayMs?: number;
  clock?: HealthClock;
}

/** Options after defaults and validation: what the engine reads. */
export interface ResolvedHealthOptions {
  version: string;
  defaults: Required<Omit<HealthCheckOptions, 'tags'>> & { tags: readonly string[] };
  retryBaseDelayMs: number;
  checks: readonly HealthCheckDefinition[];
  components: Readonly<Record<string, HealthCheckOptions>>;
  enabledComponents?: ReadonlySet<string>;
  secrets: readonly (string | undefined)[];
  legacy: Required<LegacyEndpointOptions>;
  details: DetailsVisibility;
  apiKeys: readonly string[];
  shutdownDelayMs: number;
  clock: HealthClock;
}

export const HEALTH_DEFAULTS = {
  version: '1.0.0',
  timeoutMs: 2000,
  retries: 1,
  retryBaseDelayMs: 100,
  cacheTtlMs: 0,
  details: 'when-authorized',
  shutdownDelayMs: 5000,
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
      timeoutMs: positive(
        'defaultTimeoutMs',
        options.defaultTimeoutMs ?? HEALTH_DEFAULTS.timeoutMs,
      ),
      retries: retryCount('retries', options.retries ?? HEALTH_DEFAULTS.retries),
      cacheTtlMs: nonNegative('cacheTtlMs', options.cacheTtlMs ?? HEALTH_DEFAULTS.cacheTtlMs),
      critical: true,
      tags: [],
    },
    retryBaseDelayMs: nonNegative(
      'retryBaseDelayMs',
      options.retryBaseDelayMs ?? HEALTH_DEFAULTS.retryBaseDelayMs,
    ),
    checks,
    components,
    enabledComponents: validateEnabled(options.enabledComponents),
    secrets: options.secrets ?? [],
    legacy: { aiModelConfigured: options.legacy?.aiModelConfigured ?? false },
    details: validateDetails(options.details),
    apiKeys: (options.apiKeys ?? []).filter((key): key is string => Boolean(key)),
    shutdownDelayMs: nonNegative(
      'shutdownDelayMs',
      options.shutdownDelayMs ?? HEALTH_DEFAULTS.shutdownDelayMs,
    ),
    clock: options.clock ?? systemClock,
  };
}

/** Validates the options a check carries; `where` names it in errors. */
export function validateCheckOptions(options: HealthCheckOptions | undefined, where: string): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object') {
    throw new HealthConfigurationError(where, options, 'an object of check options');
  }
  if (options.timeoutMs !== undefined) positive(`${where}.timeoutMs`, options.timeoutMs);
  if (options.retries !== undefined) retryCount(`${where}.retries`, options.retries);
  if (options.cacheTtlMs !== undefined) nonNegative(`${where}.cacheTtlMs`, options.cacheTtlMs);
  if (options.critical !== undefined && typeof options.critical !== 'boolean') {
    throw new HealthConfigurationError(`${where}.critical`, options.critical, 'true or false');
  }
  if (
    options.tags !== undefined &&
    !(Array.isArray(options.tags) && options.tags.every((t) => typeof t === 'string' && t !== ''))
  ) {
    throw new HealthConfigurationError(
      `${where}.tags`,
      options.tags,
      'an array of non-empty strings',
    );
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
  if (typeof name !== 'string' || !COMPONENT_NAME_PATTERN.test(name)) {
    throw new HealthConfigurationError(where, name, 'a component name matching [a-z0-9_-]{1,64}');
  }
  return name;
}

function validateDetails(details: unknown): DetailsVisibility {
  if (details === undefined) return HEALTH_DEFAULTS.details;
  if (!(DETAILS_VISIBILITY as readonly unknown[]).includes(details)) {
    throw new HealthConfigurationError(
      'details',
      details,
      `one of ${DETAILS_VISIBILITY.join(', ')}`,
    );
  }
  return details as DetailsVisibility;
}

function validateVersion(version: unknown): string {
  if (version === undefined) return HEALTH_DEFAULTS.version;
  if (typeof version !== 'string' || version.trim() === '') {
    throw new HealthConfigurationError('version', version, 'a non-empty string');
  }
  return version;
}

function validateEnabled(enabled: readonly string[] | undefined): ReadonlySet<string> | undefined {
  if (enabled === undefined) return undefined;
  if (!Array.isArray(enabled)) {
    throw new HealthConfigurationError('enabledComponents', enabled, 'an array of component names');
  }
  for (const name of enabled) {
    if (!(BUILT_IN_COMPONENTS as readonly string[]).includes(name)) {
      throw new HealthConfigurationError(
        'enabledComponents',
        name,
        `one of ${BUILT_IN_COMPONENTS.join(', ')}`,
      );
    }
  }
  return new Set(enabled);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function positive(setting: string, value: unknown): number {
  if (!isFiniteNumber(value) || value <= 0) {
    throw new HealthConfigurationError(setting, value, 'a number of milliseconds > 0');
  }
  return value;
}

function nonNegative(setting: string, value: unknown): number {
  if (!isFiniteNumber(value) || value < 0) {
    throw new HealthConfigurationError(setting, value, 'a number of milliseconds >= 0');
  }
  return value;
}

function retryCount(setting: string, value: unknown): number {
  if (!Number.isInteger(value) || (value as number) < 0) {
    throw new HealthConfigurationError(setting, value, 'an integer >= 0');
  }
  return value as number;
}
