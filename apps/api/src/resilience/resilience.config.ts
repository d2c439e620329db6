import { HealthConfigurationError } from '@nest-health/core';
import type { EnvSource } from '../config/app.config';
import { readString } from '../config/app.config';
import { isPlainObject, jsonObjectFromEnv } from '../config/json-variable';
import type { Operation } from '../text-processing/process-request';
import { OPERATIONS } from '../text-processing/process-request';
import type { PresetName, ResilienceFigures, Strategy } from './resilience-presets';
import { PRESET_NAMES, PRESETS, STRATEGIES, STRATEGY_FIGURES } from './resilience-presets';

/** One operation's policy: its strategy and figures, after every setting was applied. */
export interface OperationResilience {
  strategy: Strategy;
  figures: Readonly<ResilienceFigures>;
}

export interface ResilienceSettings {
  preset: PresetName;
  operations: Readonly<Record<Operation, OperationResilience>>;
}

/** The longest `RESILIENCE_CUSTOM_CONFIG` read: the template's keys fit in far less. */
export const MAX_CUSTOM_CONFIG_LENGTH = 4096;

type Rule =
  | { kind: 'integer' | 'number'; min: number; max: number }
  | { kind: 'boolean' }
  | { kind: 'strategy' }
  | { kind: 'overrides' };

/** `RESILIENCE_CUSTOM_CONFIG`'s keys and ranges: the template's `allowed_field_whitelist`. */
const CUSTOM_KEYS: Readonly<Record<string, Rule>> = {
  retry_attempts: { kind: 'integer', min: 1, max: 10 },
  circuit_breaker_threshold: { kind: 'integer', min: 1, max: 20 },
  recovery_timeout: { kind: 'integer', min: 10, max: 300 },
  default_strategy: { kind: 'strategy' },
  operation_overrides: { kind: 'overrides' },
  exponential_multiplier: { kind: 'number', min: 0.1, max: 5 },
  exponential_min: { kind: 'number', min: 0.5, max: 10 },
  exponential_max: { kind: 'number', min: 5, max: 120 },
  jitter_enabled: { kind: 'boolean' },
  jitter_max: { kind: 'number', min: 0.1, max: 10 },
  max_delay_seconds: { kind: 'integer', min: 5, max: 600 },
};

interface CustomConfig {
  figures: Partial<ResilienceFigures>;
  defaultStrategy?: Strategy;
  operationOverrides: Partial<Record<Operation, Strategy>>;
}

/** `SUMMARIZE_RESILIENCE_STRATEGY` ... `QA_RESILIENCE_STRATEGY`: the template's per-operation names. */
export function strategyVariable(operation: Operation): string {
  return `${operation.toUpperCase()}_RESILIENCE_STRATEGY`;
}

/**
 * Each operation's retry and circuit-breaker figures, from `RESILIENCE_PRESET` (`simple` by
 * default), `RESILIENCE_CUSTOM_CONFIG` and `<OPERATION>_RESILIENCE_STRATEGY`. An operation's
 * strategy is its own variable's, else the custom config's `operation_overrides`, else the
 * preset's, else the custom `default_strategy`, else the preset's default. Its figures are the
 * preset's own when that strategy is the preset's default, the strategy's otherwise; then every
 * figure the custom config sets, for every operation. A bad value throws
 * `HealthConfigurationError` naming the variable.
 */
export function resilienceSettingsFromEnv(env: EnvSource): ResilienceSettings {
  const preset = presetFromEnv(env);
  const custom = customConfigFromEnv(env);
  const own = Object.fromEntries(
    OPERATIONS.map((operation) => [operation, strategyFromEnv(env, operation)]),
  ) as Record<Operation, Strategy | undefined>;
  const base = PRESETS[preset];
  const operations = {} as Record<Operation, OperationResilience>;
  for (const operation of OPERATIONS) {
    const strategy =
      own[operation] ??
      custom.operationOverrides[operation] ??
      base.operationOverrides[operation] ??
      custom.defaultStrategy ??
      base.defaultStrategy;
    const figures = strategy === base.defaultStrategy ? base.figures : STRATEGY_FIGURES[strategy];
    operations[operation] = { strategy, figures: { ...figures, ...custom.figures } };
  }
  return { preset, operations };
}

function presetFromEnv(env: EnvSource): PresetName {
  const raw = readString(env, 'RESILIENCE_PRESET');
  if (raw === undefined) return 'simple';
  if (!isOneOf(PRESET_NAMES, raw)) {
    throw new HealthConfigurationError(
      'RESILIENCE_PRESET',
      raw,
      `one of ${PRESET_NAMES.join(', ')}`,
    );
  }
  return raw;
}

function strategyFromEnv(env: EnvSource, operation: Operation): Strategy | undefined {
  const variable = strategyVariable(operation);
  const raw = readString(env, variable);
  if (raw === undefined) return undefined;
  if (!isOneOf(STRATEGIES, raw)) {
    throw new HealthConfigurationError(variable, raw, `one of ${STRATEGIES.join(', ')}`);
  }
  return raw;
}

const CUSTOM = 'RESILIENCE_CUSTOM_CONFIG';

/** `RESILIENCE_CUSTOM_CONFIG`: a JSON object of the template's keys, each within its range. */
export function customConfigFromEnv(env: EnvSource): CustomConfig {
  const config: CustomConfig = { figures: {}, operationOverrides: {} };
  const variable = jsonObjectFromEnv(env, CUSTOM, MAX_CUSTOM_CONFIG_LENGTH);
  if (variable === undefined) return config;
  const { object: parsed, fail } = variable;
  for (const [key, value] of Object.entries(parsed)) {
    const rule = Object.hasOwn(CUSTOM_KEYS, key) ? CUSTOM_KEYS[key] : undefined;
    if (!rule) throw fail(`only the keys ${Object.keys(CUSTOM_KEYS).join(', ')}`);
    applyCustomKey(config, key, value, rule, fail);
  }
  return config;
}

function applyCustomKey(
  config: CustomConfig,
  key: string,
  value: unknown,
  rule: Rule,
  fail: (expected: string) => HealthConfigurationError,
): void {
  switch (rule.kind) {
    case 'strategy':
      if (!isOneOf(STRATEGIES, value)) throw fail(`${key}: one of ${STRATEGIES.join(', ')}`);
      config.defaultStrategy = value;
      return;
    case 'overrides':
      config.operationOverrides = overridesFrom(value, fail);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') throw fail(`${key}: true or false`);
      (config.figures as Record<string, unknown>)[key] = value;
      return;
    default: {
      const integer = rule.kind === 'integer';
      const valid =
        typeof value === 'number' &&
        Number.isFinite(value) &&
        (!integer || Number.isInteger(value)) &&
        value >= rule.min &&
        value <= rule.max;
      if (!valid)
        throw fail(
          `${key}: ${integer ? 'an integer' : 'a number'} from ${rule.min} to ${rule.max}`,
        );
      (config.figures as Record<string, unknown>)[key] = value;
    }
  }
}

function overridesFrom(
  value: unknown,
  fail: (expected: string) => HealthConfigurationError,
): Partial<Record<Operation, Strategy>> {
  const expected = `operation_overrides: an object of ${OPERATIONS.join(', ')} to one of ${STRATEGIES.join(', ')}`;
  if (!isPlainObject(value)) throw fail(expected);
  const overrides: Partial<Record<Operation, Strategy>> = {};
  for (const [operation, strategy] of Object.entries(value)) {
    if (!isOneOf(OPERATIONS, operation) || !isOneOf(STRATEGIES, strategy)) throw fail(expected);
    overrides[operation] = strategy;
  }
  return overrides;
}

function isOneOf<T extends string>(values: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (values as readonly string[]).includes(value);
}
