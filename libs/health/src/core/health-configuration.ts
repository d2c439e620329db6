import { integer, milliseconds, validateCheckOptions } from '../health.options';
import { HealthConfigurationError } from './errors';
import type { HealthCheckOptions } from './health-check';

/** Where a value of the effective configuration comes from. */
export type ConfigSource = 'default' | 'code' | 'options' | 'environment' | 'file' | 'runtime';

export interface ConfigValue<T> {
  value: T;
  source: ConfigSource;
}

/** The per-check settings that can be read and changed at runtime. */
export const TUNABLE_CHECK_KEYS = [
  'timeoutMs',
  'retries',
  'critical',
  'tags',
  'cacheTtlMs',
  'failureCacheTtlMs',
  'timeoutStatus',
  'degradedAboveMs',
  'failuresBeforeUnhealthy',
  'successesBeforeHealthy',
  'enabled',
  'mode',
  'thresholds',
] as const;
export type TunableCheckKey = (typeof TUNABLE_CHECK_KEYS)[number];
export type TunableCheckOptions = Pick<HealthCheckOptions, TunableCheckKey>;

/** Engine defaults that can be changed at runtime (they apply to checks without their own). */
export const TUNABLE_DEFAULT_KEYS = [
  'timeoutMs',
  'retries',
  'cacheTtlMs',
  'failureCacheTtlMs',
] as const;
export type TunableDefaultKey = (typeof TUNABLE_DEFAULT_KEYS)[number];
export type TunableDefaults = Partial<Record<TunableDefaultKey, number>>;

export type CheckConfiguration = {
  [K in TunableCheckKey]-?: ConfigValue<NonNullable<HealthCheckOptions[K]>>;
};

/** The effective configuration: every value with its source. */
export interface HealthConfiguration {
  /** Bumped by every applied change. */
  version: number;
  defaults: { [K in TunableDefaultKey]: ConfigValue<number> };
  checks: Record<string, CheckConfiguration>;
}

/**
 * A JSON merge patch of the runtime layer: a value sets it, `null` removes it (the file,
 * environment, options or default value shows again); `checks.<name>: null` removes every
 * runtime value of that check.
 */
export interface ConfigPatch {
  defaults?: { [K in TunableDefaultKey]?: number | null };
  checks?: Record<string, { [K in TunableCheckKey]?: HealthCheckOptions[K] | null } | null>;
}

/** One value that changed, from what to what. */
export interface ConfigChange {
  path: string;
  from: unknown;
  to: unknown;
}

/** What an applied change announces. */
export interface ConfigChangeEvent {
  version: number;
  changes: ConfigChange[];
  source: ConfigSource;
  /** Who asked (an admin key's fingerprint, a file path...), for the audit line. */
  actor?: string;
}

/** The layer of values set at runtime or from a file. */
export interface ConfigLayer {
  defaults: TunableDefaults;
  checks: Record<string, TunableCheckOptions>;
}

/** Merges a patch into a layer, into a new layer; the patch's shape is checked, values are not. */
export function mergePatch(layer: ConfigLayer, patch: unknown): ConfigLayer {
  if (!isObject(patch)) throw new HealthConfigurationError('patch', typeof patch, 'a JSON object');
  for (const key of Object.keys(patch)) {
    if (key !== 'defaults' && key !== 'checks') {
      throw new HealthConfigurationError(key, '…', 'defaults or checks');
    }
  }
  const next: ConfigLayer = {
    defaults: { ...layer.defaults },
    checks: Object.fromEntries(Object.entries(layer.checks).map(([n, o]) => [n, { ...o }])),
  };
  const { defaults, checks } = patch as ConfigPatch;
  if (defaults !== undefined) {
    if (!isObject(defaults))
      throw new HealthConfigurationError('defaults', typeof defaults, 'an object');
    for (const [key, value] of Object.entries(defaults)) {
      if (!(TUNABLE_DEFAULT_KEYS as readonly string[]).includes(key)) {
        throw new HealthConfigurationError(
          `defaults.${key}`,
          value,
          `one of ${TUNABLE_DEFAULT_KEYS.join(', ')}`,
        );
      }
      setOrRemove(next.defaults as Record<string, unknown>, key, value);
    }
  }
  if (checks !== undefined) {
    if (!isObject(checks)) throw new HealthConfigurationError('checks', typeof checks, 'an object');
    for (const [name, options] of Object.entries(checks)) {
      if (options === null) {
        delete next.checks[name];
        continue;
      }
      if (!isObject(options)) {
        throw new HealthConfigurationError(`checks.${name}`, typeof options, 'an object or null');
      }
      const target = (next.checks[name] ??= {}) as Record<string, unknown>;
      for (const [key, value] of Object.entries(options)) {
        if (!(TUNABLE_CHECK_KEYS as readonly string[]).includes(key)) {
          throw new HealthConfigurationError(
            `checks.${name}.${key}`,
            value,
            `one of ${TUNABLE_CHECK_KEYS.join(', ')}`,
          );
        }
        if (key === 'thresholds' && isObject(value)) {
          // Merged key by key: `{ thresholds: { minHitRatio: null } }` removes that one only.
          const merged = { ...(isObject(target[key]) ? target[key] : {}) };
          for (const [limit, number] of Object.entries(value)) setOrRemove(merged, limit, number);
          if (Object.keys(merged).length > 0) target[key] = merged;
          else delete target[key];
        } else {
          setOrRemove(target, key, value);
        }
      }
      if (Object.keys(target).length === 0) delete next.checks[name];
    }
  }
  return next;
}

function setOrRemove(target: Record<string, unknown>, key: string, value: unknown): void {
  if (value === null) delete target[key];
  else target[key] = value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Checks every value of a layer as startup settings are checked; throws the first bad one. */
export function validateLayer(layer: ConfigLayer): void {
  for (const [name, options] of Object.entries(layer.checks)) {
    validateCheckOptions(options, `checks.${name}`);
  }
  for (const [key, value] of Object.entries(layer.defaults)) {
    if (key === 'retries') integer(`defaults.${key}`, value, 0);
    else milliseconds(`defaults.${key}`, value, key === 'timeoutMs' ? 1 : 0);
  }
}

/** Reads a configuration file's content (`{ defaults, checks }`) and validates every value. */
export function validateConfigurationContent(content: unknown): void {
  validateLayer(mergePatch({ defaults: {}, checks: {} }, content));
}

/**
 * The JSON merge patch that turns layer `from` into layer `to`: what changed is set, what is
 * gone is `null`. Applied to a layer holding `from` plus values of its own, it keeps those.
 */
export function layerPatch(from: ConfigLayer, to: ConfigLayer): ConfigPatch {
  const patch: Required<ConfigPatch> = { defaults: {}, checks: {} };
  const defaults = patch.defaults as Record<string, unknown>;
  for (const key of Object.keys(from.defaults)) {
    if (!(key in to.defaults)) defaults[key] = null;
  }
  for (const [key, value] of Object.entries(to.defaults)) {
    if (!same((from.defaults as Record<string, unknown>)[key], value)) defaults[key] = value;
  }
  for (const name of Object.keys(from.checks)) {
    if (!(name in to.checks)) patch.checks[name] = null;
  }
  for (const [name, options] of Object.entries(to.checks)) {
    const before = (from.checks[name] ?? {}) as Record<string, unknown>;
    const after = options as Record<string, unknown>;
    const changed: Record<string, unknown> = {};
    for (const key of Object.keys(before)) if (!(key in after)) changed[key] = null;
    for (const [key, value] of Object.entries(after)) {
      if (!same(before[key], value)) changed[key] = value;
    }
    if (Object.keys(changed).length > 0) patch.checks[name] = changed;
  }
  return patch;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
