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

/** One value that changed, from what to what. */
export interface ConfigChange {
  path: string;
  from: unknown;
  to: unknown;
  /** Only when the value stayed the same but now comes from another layer: from which to which. */
  sources?: [ConfigSource, ConfigSource];
}

/**
 * Values set over the operator's settings (at runtime, from a file): what the runtime
 * configuration module hands the engine. For one setting of one check, a value here wins over
 * the module options, the registration and the defaults.
 */
export interface SettingsOverlay {
  /** The value of one setting of one check, with its source; undefined where none is set. */
  checkValue(
    name: string,
    key: Exclude<TunableCheckKey, 'thresholds'>,
  ): ConfigValue<unknown> | undefined;
  /** An engine default set here, with its source. */
  defaultValue(key: TunableDefaultKey): ConfigValue<number> | undefined;
  /** A check's thresholds set here, lowest layer first, each with its source. */
  thresholds(name: string): readonly (readonly [ConfigSource, Readonly<Record<string, number>>])[];
}

/** No values over the operator's: what the engine runs on without runtime configuration. */
export const NO_OVERLAY: SettingsOverlay = {
  checkValue: () => undefined,
  defaultValue: () => undefined,
  thresholds: () => [],
};

/** Whether two setting values (numbers, strings, flags, tag lists, thresholds) are equal. */
export function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Every value that differs between two configurations, by path; a value that stays the same but
 * comes from another layer now (pinned at runtime, say) is a change too, with its sources.
 */
export function configurationDiff(
  before: Omit<HealthConfiguration, 'version'>,
  after: Omit<HealthConfiguration, 'version'>,
): ConfigChange[] {
  const changes: ConfigChange[] = [];
  const compare = (path: string, from?: ConfigValue<unknown>, to?: ConfigValue<unknown>) => {
    if (!same(from?.value, to?.value)) changes.push({ path, from: from?.value, to: to?.value });
    else if (from && to && from.source !== to.source) {
      changes.push({ path, from: from.value, to: to.value, sources: [from.source, to.source] });
    }
  };
  for (const key of TUNABLE_DEFAULT_KEYS) {
    compare(`defaults.${key}`, before.defaults[key], after.defaults[key]);
  }
  for (const [name, check] of Object.entries(after.checks)) {
    for (const key of TUNABLE_CHECK_KEYS) {
      compare(`checks.${name}.${key}`, before.checks[name]?.[key], check[key]);
    }
  }
  return changes;
}
